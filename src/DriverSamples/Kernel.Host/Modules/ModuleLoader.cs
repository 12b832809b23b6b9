using System.Reflection;

namespace Kernel;

/// <summary>
/// Loads modules (<c>insmod</c>/<c>rmmod</c>): from a path into a fresh collectible <see cref="ModuleLoadContext"/>,
/// or as an already constructed instance. Every call into module code is wrapped: an exception (a guard violation, a
/// bug) is recorded as a <see cref="ModuleFault"/>, logged as an oops, and the kernel keeps running.
/// </summary>
public sealed class ModuleLoader
{
    private readonly KernelHost host;
    private readonly List<LoadedModule> loaded = [];

    internal ModuleLoader(KernelHost host) => this.host = host;

    /// <summary>The modules loaded and not yet unloaded.</summary>
    public IReadOnlyList<LoadedModule> Loaded => loaded;

    /// <summary>Loads the module assembly at <paramref name="path"/>, instantiates every <see cref="IKernelModule"/> in it and calls Init.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidOperationException">The assembly contains no module.</exception>
    public LoadedModule Load(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException("Module not found.", full);
        var context = new ModuleLoadContext(full);
        Assembly assembly;
        List<IKernelModule> instances;
        try
        {
            assembly = context.LoadFromAssemblyPath(full);
            instances = Instantiate(assembly);
        }
        catch
        {
            context.Unload();
            throw;
        }
        return InitAll(new LoadedModule(full, assembly, context, instances));
    }

    /// <summary>Loads a module object that the caller constructed (a directly referenced, unwoven module).</summary>
    public LoadedModule Load(IKernelModule module)
        => InitAll(new LoadedModule(null, module.GetType().Assembly, null, [module]));

    /// <summary>Calls Exit on a live module's instances and releases its load context.</summary>
    public void Unload(LoadedModule module)
    {
        if (module.State == ModuleState.Live)
            foreach (var instance in module.Instances)
                Call(module, instance, "exit", instance.Exit);
        module.State = ModuleState.Unloaded;
        loaded.Remove(module);
        module.ReleaseContext();
    }

    private LoadedModule InitAll(LoadedModule module)
    {
        foreach (var instance in module.Instances)
        {
            host.Log.Write(LogLevel.Info, "module", $"loading {instance.Name}");
            if (!Call(module, instance, "init", () => instance.Init(host.Api)))
            {
                module.State = ModuleState.Failed;
                break;
            }
        }
        loaded.Add(module);
        return module;
    }

    private bool Call(LoadedModule module, IKernelModule instance, string phase, Action action)
    {
        var fault = host.Contain(SafeName(instance), phase, action);
        if (fault is null) return true;
        module.Faults.Add(fault);
        return false;
    }

    private static string SafeName(IKernelModule instance)
    {
        try { return instance.Name; }
        catch (Exception) { return instance.GetType().FullName ?? "?"; }
    }

    private static List<IKernelModule> Instantiate(Assembly assembly)
    {
        var result = new List<IKernelModule>();
        foreach (var type in assembly.GetExportedTypes())
        {
            if (type.IsAbstract || !typeof(IKernelModule).IsAssignableFrom(type) || type.GetConstructor(Type.EmptyTypes) is null) continue;
            result.Add((IKernelModule)Activator.CreateInstance(type)!);
        }
        if (result.Count == 0) throw new InvalidOperationException($"{assembly.GetName().Name} contains no public IKernelModule with a parameterless constructor.");
        return result;
    }
}
