using System.Collections.Immutable;
using System.Reflection;
using System.Security.Cryptography;

namespace GuardRuntime;

/// <summary>The woven modules that have registered with the runtime, in registration order.</summary>
public static class ModuleRegistry
{
    private static readonly object Gate = new();
    private static ImmutableArray<ModuleGuard> modules = [];

    /// <summary>Every registered module.</summary>
    public static ImmutableArray<ModuleGuard> Modules => modules;

    /// <summary>
    /// The module whose host-call check ran last on this thread within the current containment scope: the module
    /// calling the host method that asks, or null when only host code called it. Exported host code uses it (with
    /// the stack) to check that the caller owns what it acts on; it is right even when a tail call removed the
    /// module's frame from the stack.
    /// </summary>
    public static ModuleGuard? HostCaller => Containment.HostCaller as ModuleGuard;

    /// <summary>The registered modules whose name (the host's binding, else the assembly's own) is <paramref name="name"/>.</summary>
    public static IEnumerable<ModuleGuard> Find(string name) => modules.Where(m => m.Name == name);

    /// <summary>The module of <paramref name="assembly"/>, if it is woven and registered.</summary>
    public static ModuleGuard? Find(Assembly assembly) => modules.FirstOrDefault(m => m.Assembly == assembly && !m.Detached);

    internal static ModuleGuard Register(Assembly assembly)
    {
        lock (Gate)
        {
            var existing = Find(assembly);
            if (existing is not null) return existing;
            var manifest = GuardManifest.FromAssembly(assembly)
                ?? throw new InvalidOperationException($"Assembly '{assembly.GetName().Name}' registered with the guard but carries no guard manifest ({GuardManifest.ResourceName}).");
            // The host's binding names the module (and carries the hash of the bytes it loaded); an unbound module
            // is known by its assembly name in reports but gets the default section only.
            var binding = ModuleBindings.Of(assembly);
            return Add(new ModuleGuard(assembly, manifest, binding?.Sha256 ?? HashOf(assembly)) { BoundName = binding?.Name });
        }
    }

    /// <summary>
    /// Takes an unloaded module out of the registry: its handle refuses every later store (code of it still running
    /// on some thread stops at its next store) and the registry no longer holds its assembly.
    /// </summary>
    internal static void Retire(Assembly assembly)
    {
        lock (Gate)
        {
            var module = Find(assembly);
            if (module is null) return;
            module.Retire();
            modules = modules.Remove(module);
        }
    }

    /// <summary>
    /// Registers a module described by a manifest alone, without a woven assembly (tests, benchmarks, and tools that
    /// drive <see cref="Guard"/> directly). Every call registers a new module, even for the same manifest.
    /// </summary>
    internal static ModuleGuard Register(GuardManifest manifest, string? sha256 = null, Assembly? assembly = null)
    {
        // The caller is the host itself, so the manifest's name is as good as a binding.
        lock (Gate)
            return Add(new ModuleGuard(assembly ?? typeof(ModuleRegistry).Assembly, manifest, sha256)
                { Detached = true, BoundName = manifest.Module });
    }

    /// <summary>Removes a module registered with <see cref="Register(GuardManifest, string?, Assembly?)"/> (tests).</summary>
    internal static bool Unregister(ModuleGuard module)
    {
        lock (Gate)
        {
            var next = modules.Remove(module);
            if (next.Length == modules.Length) return false;
            modules = next;
            return true;
        }
    }

    // Called under Gate.
    private static ModuleGuard Add(ModuleGuard module)
    {
        module.Install(PolicyCompiler.Compile(GuardPolicies.Current, module, Regions.Current));
        modules = modules.Add(module);
        return module;
    }

    /// <summary>
    /// Recompiles every module's policy (after a policy load or a region change). Every module is compiled before any
    /// is published, so a policy that fails to compile changes nothing, and the publications follow one another with
    /// no compilation in between.
    /// </summary>
    // Called under the policy lock (GuardPolicies), as RecompileAll is: one module whose manifest grew.
    internal static void Recompile(ModuleGuard module, Policy policy, RegionSet regions)
    {
        lock (Gate) module.Install(PolicyCompiler.Compile(policy, module, regions));
    }

    internal static void RecompileAll(Policy policy, RegionSet regions)
    {
        lock (Gate)
        {
            var current = modules;
            var compiled = new ModulePolicy[current.Length];
            for (int i = 0; i < current.Length; i++) compiled[i] = PolicyCompiler.Compile(policy, current[i], regions);
            for (int i = 0; i < current.Length; i++) current[i].Install(compiled[i]);
        }
    }

    internal static string? HashOf(Assembly assembly)
    {
        try
        {
            var location = assembly.Location;
            if (string.IsNullOrEmpty(location) || !File.Exists(location)) return null;
            return HashOfFile(location);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    internal static string HashOfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
