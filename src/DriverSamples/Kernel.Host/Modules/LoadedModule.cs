using System.Reflection;
using GuardRuntime;

namespace Kernel;

/// <summary>Where a module is in its life.</summary>
public enum ModuleState
{
    /// <summary>Init succeeded.</summary>
    Live,
    /// <summary>Init threw; the module was contained and its Exit is not called.</summary>
    Failed,
    /// <summary>Exit ran and the context was released.</summary>
    Unloaded,
    /// <summary>
    /// The guard quarantined the module: the kernel dropped every reference it held to the module (handlers, pollers,
    /// timers, interfaces, instances) without calling into it again, and released its context.
    /// </summary>
    Quarantined,
}

/// <summary>A module the loader loaded: its assembly, instances, state and contained faults.</summary>
public sealed class LoadedModule
{
    private readonly List<IKernelModule> instances;

    internal LoadedModule(string name, string? path, Assembly assembly, ModuleLoadContext? context,
        List<IKernelModule> instances, ModuleBinding? binding)
    {
        Name = name;
        Path = path;
        Assembly = assembly;
        Context = context;
        this.instances = instances;
        Binding = binding;
        ContextReference = new WeakReference(context);
    }

    /// <summary>The name the host loaded the module under (its policy section), or the instance's name.</summary>
    public string Name { get; }

    /// <summary>The file the module came from, or null when it was passed as an instance.</summary>
    public string? Path { get; }

    /// <summary>The module assembly (null once a quarantined or unloaded module was released).</summary>
    public Assembly? Assembly { get; private set; }

    /// <summary>The collectible context, or null for a directly referenced module.</summary>
    public ModuleLoadContext? Context { get; private set; }

    /// <summary>Tracks the context after unload (to observe collection).</summary>
    public WeakReference ContextReference { get; }

    /// <summary>The host's binding of the module's name to its file (null for a module passed as an instance).</summary>
    public ModuleBinding? Binding { get; }

    /// <summary>The module objects found in the assembly (empty once released).</summary>
    public IReadOnlyList<IKernelModule> Instances => instances;

    /// <summary>The state.</summary>
    public ModuleState State { get; internal set; } = ModuleState.Live;

    /// <summary>Exceptions that escaped the module and were contained.</summary>
    public List<ModuleFault> Faults { get; } = [];

    /// <summary>The module's guard, once its woven code registered (null for unwoven modules).</summary>
    public ModuleGuard? Guard => Assembly is { } assembly ? ModuleRegistry.Find(assembly) : null;

    /// <summary>Whether <paramref name="value"/> (an object or delegate the kernel holds) belongs to this module.</summary>
    internal bool Owns(object? value)
    {
        if (value is null || Assembly is not { } assembly) return false;
        if (value is Delegate d)
            return d.GetInvocationList().Any(x => x.Method.Module.Assembly == assembly || Owns(x.Target));
        return value.GetType().Assembly == assembly;
    }

    internal void Release()
    {
        Binding?.Dispose();
        instances.Clear();
        Assembly = null;
        Context?.Unload();
        Context = null;
    }
}
