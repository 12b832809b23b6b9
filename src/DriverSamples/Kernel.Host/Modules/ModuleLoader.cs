using System.Reflection;
using GuardRuntime;

namespace Kernel;

/// <summary>
/// Loads modules (<c>insmod</c>/<c>rmmod</c>): from a path into a fresh collectible <see cref="ModuleLoadContext"/>,
/// or as an already constructed instance. A module file is read once, verified by the load-time verifier and bound
/// to the name the host chose before any of its code loads; its private dependencies are verified the same way
/// before Init runs. Every call into module code is wrapped: an exception (a guard violation, a bug) is recorded as a
/// <see cref="ModuleFault"/>, logged as an oops, and the kernel keeps running; a module the guard quarantined is
/// unloaded at the kernel's next safe point (<see cref="Reap"/>).
/// </summary>
public sealed class ModuleLoader
{
    private readonly KernelHost host;
    private readonly List<LoadedModule> loaded = [];

    // The guard quarantines a module before it reports the fault from the module's thread, so a safe point can reap
    // the module in between: the late report must still reach this kernel. Keyed weakly by the module's guard, so a
    // reaped module's context is not kept alive by it.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ModuleGuard, string> reapedGuards = new();

    internal ModuleLoader(KernelHost host) => this.host = host;

    /// <summary>The modules loaded and not yet unloaded.</summary>
    public IReadOnlyList<LoadedModule> Loaded => loaded;

    /// <summary>
    /// Loads the module assembly at <paramref name="path"/> under the policy name <paramref name="name"/> (default:
    /// the file name without extension), instantiates every <see cref="IKernelModule"/> in it and calls Init.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModuleRejectedException">The verifier rejected the module or one of its private
    /// dependencies, or <paramref name="name"/> is bound to another module file; nothing of the module ran.</exception>
    /// <exception cref="InvalidOperationException">The assembly contains no module.</exception>
    public LoadedModule Load(string path, string? name = null)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException("Module not found.", full);
        name ??= System.IO.Path.GetFileNameWithoutExtension(full);
        var image = ModuleImage.Read(full);
        image.Verify(host, name, "the module");
        var context = new ModuleLoadContext(full, file =>
        {
            var dependency = ModuleImage.Read(file);
            dependency.Verify(host, name, "its private dependency");
            return dependency;
        });
        ModuleBinding? binding = null;
        try
        {
            Assembly assembly;
            using (var bytes = new MemoryStream(image.Bytes, writable: false))
            using (var symbols = image.Symbols is null ? null : new MemoryStream(image.Symbols, writable: false))
                assembly = context.LoadFromStream(bytes, symbols);
            try { binding = ModuleBindings.Bind(assembly, name, image.Sha256); }
            catch (ModuleIdentityException e) { throw image.Reject(host, name, e.Message, [], e); }
            LoadPrivateDependencies(context, assembly, name, full);
            var instances = Instantiate(assembly);
            return InitAll(new LoadedModule(name, full, assembly, context, instances, binding));
        }
        catch
        {
            binding?.Dispose();
            context.Unload();
            throw;
        }
    }

    /// <summary>Loads a module object that the caller constructed (a directly referenced, unwoven module).</summary>
    public LoadedModule Load(IKernelModule module)
        => InitAll(new LoadedModule(SafeName(module), null, module.GetType().Assembly, null, [module], null));

    /// <summary>Calls Exit on a live module's instances and releases its load context.</summary>
    public void Unload(LoadedModule module)
    {
        if (module.State == ModuleState.Live && module.Guard?.IsRefused != true)
            foreach (var instance in module.Instances)
                Call(module, instance, "exit", instance.Exit);
        host.DropReferences(module);
        module.State = module.State == ModuleState.Quarantined ? ModuleState.Quarantined : ModuleState.Unloaded;
        loaded.Remove(module);
        module.Release();
    }

    /// <summary>
    /// Unloads every module the guard quarantined: the kernel drops what it holds of the module (interrupt
    /// handlers, NAPI pollers, timers, interfaces, instances) without calling into it again, releases its name and
    /// unloads its context. The kernel calls this at its safe points (after a load, around pending work); returns
    /// how many modules were unloaded.
    /// </summary>
    public int Reap()
    {
        int reaped = 0;
        foreach (var module in loaded.Where(m => m.Guard?.IsQuarantined == true).ToArray())
        {
            var cause = module.Guard!.QuarantinedBy;
            host.Log.Write(LogLevel.Error, "module", $"{module.Name}: quarantined ({cause?.Detail ?? cause?.Rule}); unloading it");
            reapedGuards.AddOrUpdate(module.Guard!, module.Name); // before it leaves 'loaded' (see the field)
            module.State = ModuleState.Quarantined;
            Unload(module);
            reaped++;
        }
        return reaped;
    }

    /// <summary>The name of a module this loader reaped after its guard quarantined it, or null.</summary>
    public string? ReapedName(ModuleGuard guard) => reapedGuards.TryGetValue(guard, out var name) ? name : null;

    /// <summary>The loaded module whose assembly is <paramref name="assembly"/>.</summary>
    public LoadedModule? Find(Assembly assembly) => loaded.FirstOrDefault(m => m.Assembly == assembly);

    // Every private dependency is verified and loaded now, before Init: a refused one fails the load, not a later JIT.
    private static void LoadPrivateDependencies(ModuleLoadContext context, Assembly assembly, string name, string path)
    {
        var pending = new Queue<Assembly>([assembly]);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (pending.Count > 0)
            foreach (var reference in pending.Dequeue().GetReferencedAssemblies())
            {
                if (context.PrivateFile(reference) is null || !seen.Add(reference.Name!)) continue;
                try { pending.Enqueue(context.LoadFromAssemblyName(reference)); }
                catch (FileLoadException e) when (e.InnerException is ModuleRejectedException rejected) { throw rejected; }
                catch (Exception e) when (e is FileLoadException or BadImageFormatException && e is not ModuleRejectedException)
                {
                    throw new ModuleRejectedException(name, path, $"its private dependency {reference.Name} cannot be loaded: {e.Message}", [], e);
                }
            }
    }

    private LoadedModule InitAll(LoadedModule module)
    {
        loaded.Add(module);
        foreach (var instance in module.Instances)
        {
            host.Log.Write(LogLevel.Info, "module", $"loading {module.Name}");
            if (!Call(module, instance, "init", () => instance.Init(host.Api)))
            {
                module.State = ModuleState.Failed;
                break;
            }
        }
        host.ProcessModuleFaults();
        return module;
    }

    private bool Call(LoadedModule module, IKernelModule instance, string phase, Action action)
    {
        var fault = host.Contain(SafeName(instance), phase, () =>
        {
            using var scope = CallingModules.Enter(module.Assembly);
            action();
        });
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
