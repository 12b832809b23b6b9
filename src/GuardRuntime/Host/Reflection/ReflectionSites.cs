using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using GuardRuntime.CodeGeneration;

namespace GuardRuntime.Reflection;

/// <summary>
/// The target and site ids of a member reached by reflection. The weaver records one site per reflection call of the
/// module (method, IL offset, source line); the member the call resolves to is only known at run time, so the first time
/// a call reaches a member its target is found or added to the module's manifest (as for generated code) with a site
/// that copies the call's location. Later calls from the same site to the same member reuse the ids: the manifest grows
/// with the distinct (site, member) pairs a module reaches, not with the number of calls.
/// </summary>
internal static class ReflectionSites
{
    private readonly record struct Key(int Site, object Member, TargetKind Kind);

    private static readonly ConditionalWeakTable<ModuleGuard, ConcurrentDictionary<Key, (int TargetId, int SiteId)>> Cache = new();

    /// <summary>The ids for <paramref name="member"/> (a field, a method, or null for a whole object) reached at <paramref name="site"/>.</summary>
    public static (int TargetId, int SiteId) For(ModuleGuard module, int site, object? member, TargetKind kind, string name,
        string? assembly)
    {
        var map = Cache.GetValue(module, _ => new ConcurrentDictionary<Key, (int, int)>());
        var key = new Key(site, member ?? kind, kind);
        if (map.TryGetValue(key, out var ids)) return ids;
        ids = DynamicTargets.Add(module, kind, name, assembly, Location(module, site));
        return map.GetOrAdd(key, ids); // a racing first call adds one site more, never a wrong one
    }

    /// <summary>Where the module made the call, as the weaver recorded it (a forged or unknown id names the module only).</summary>
    public static GuardSite Location(ModuleGuard module, int site)
    {
        var sites = module.Manifest.Sites;
        return (uint)site < (uint)sites.Count
            ? sites[site]
            : new GuardSite(0, $"a reflection call of {module.Name} (unknown site {site})", 0, null, 0, 0);
    }
}
