using System.Reflection;

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
}

/// <summary>A module the loader loaded: its assembly, instances, state and contained faults.</summary>
public sealed class LoadedModule
{
    internal LoadedModule(string? path, Assembly assembly, ModuleLoadContext? context, IReadOnlyList<IKernelModule> instances)
    {
        Path = path;
        Assembly = assembly;
        Context = context;
        Instances = instances;
        ContextReference = new WeakReference(context);
    }

    /// <summary>The file the module came from, or null when it was passed as an instance.</summary>
    public string? Path { get; }

    /// <summary>The module assembly.</summary>
    public Assembly Assembly { get; }

    /// <summary>The collectible context, or null for a directly referenced module.</summary>
    public ModuleLoadContext? Context { get; private set; }

    /// <summary>Tracks the context after unload (to observe collection).</summary>
    public WeakReference ContextReference { get; }

    /// <summary>The module objects found in the assembly.</summary>
    public IReadOnlyList<IKernelModule> Instances { get; }

    /// <summary>The state.</summary>
    public ModuleState State { get; internal set; } = ModuleState.Live;

    /// <summary>Exceptions that escaped the module and were contained.</summary>
    public List<ModuleFault> Faults { get; } = [];

    internal void ReleaseContext()
    {
        Context?.Unload();
        Context = null;
    }
}
