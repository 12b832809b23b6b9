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

    /// <summary>The registered modules whose assembly simple name is <paramref name="name"/>.</summary>
    public static IEnumerable<ModuleGuard> Find(string name) => modules.Where(m => m.Name == name);

    /// <summary>The module of <paramref name="assembly"/>, if it is woven and registered.</summary>
    public static ModuleGuard? Find(Assembly assembly) => modules.FirstOrDefault(m => m.Assembly == assembly);

    internal static ModuleGuard Register(Assembly assembly)
    {
        lock (Gate)
        {
            var existing = Find(assembly);
            if (existing is not null) return existing;
            var manifest = GuardManifest.FromAssembly(assembly)
                ?? throw new InvalidOperationException($"Assembly '{assembly.GetName().Name}' registered with the guard but carries no guard manifest ({GuardManifest.ResourceName}).");
            var module = new ModuleGuard(assembly, manifest, HashOf(assembly));
            module.Install(PolicyCompiler.Compile(GuardPolicies.Current, module, Regions.Current));
            modules = modules.Add(module);
            return module;
        }
    }

    /// <summary>Recompiles every module's policy (after a policy load or a region change).</summary>
    internal static void RecompileAll(Policy policy, RegionSet regions)
    {
        lock (Gate)
        {
            foreach (var module in modules)
                module.Install(PolicyCompiler.Compile(policy, module, regions));
        }
    }

    private static string? HashOf(Assembly assembly)
    {
        try
        {
            var location = assembly.Location;
            if (string.IsNullOrEmpty(location) || !File.Exists(location)) return null;
            using var stream = File.OpenRead(location);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (IOException)
        {
            return null;
        }
    }
}
