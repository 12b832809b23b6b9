namespace GuardRuntime.CodeGeneration;

/// <summary>
/// The targets and sites of code a module generates at run time, appended to the module's own manifest: a guard in
/// emitted IL or in a rewritten expression tree passes ids the module's compiled policy knows, so it is decided by the
/// same table, rules, regions and reports as the module's compiled code. Ids are never renumbered; a target the
/// module's manifest already has (the same field, element class or host method) is reused, and a new target makes the
/// module's policy be compiled again, under the policy lock, before the code that uses it can run.
/// </summary>
internal static class DynamicTargets
{
    /// <summary>A site of generated code: which method or tree, and where in it.</summary>
    public readonly record struct Site(string Method, int Offset);

    /// <summary>The ids for one guarded instruction of generated code.</summary>
    public static (int TargetId, int SiteId) Add(ModuleGuard module, TargetKind kind, string name, string? assembly, Site site) =>
        Add(module, kind, name, assembly, new GuardSite(0, site.Method, site.Offset, null, 0, 0));

    /// <summary>
    /// The ids for a target reached at a site the weaver recorded (a reflection call): the new site has the location of
    /// <paramref name="location"/> (method, offset, document, line) and the target's id.
    /// </summary>
    public static (int TargetId, int SiteId) Add(ModuleGuard module, TargetKind kind, string name, string? assembly,
        GuardSite location) =>
        GuardPolicies.UnderLock(module, () =>
        {
            var manifest = module.Manifest;
            var targets = manifest.Targets;
            int targetId = -1;
            for (int i = 0; i < targets.Count; i++)
                if (targets[i].Kind == kind && targets[i].Name == name && targets[i].Assembly == assembly) { targetId = i; break; }
            bool grew = targetId < 0;
            var newTargets = targets;
            if (grew)
            {
                targetId = targets.Count;
                newTargets = [.. targets, new GuardTarget(targetId, kind, name, assembly)];
            }
            int siteId = manifest.Sites.Count;
            GuardSite[] sites = [.. manifest.Sites, location with { Id = siteId, TargetId = targetId }];
            module.ExtendManifest(new GuardManifest
            {
                Format = manifest.Format, Module = manifest.Module, WeaverVersion = manifest.WeaverVersion,
                OptionsHash = manifest.OptionsHash, Targets = newTargets, Sites = sites,
            });
            return ((targetId, siteId), grew);
        });

    /// <summary>The target name of a field (<c>Ns.Type::Field</c>, generic types by their definition).</summary>
    public static string FieldName(System.Reflection.FieldInfo field) => $"{TypeName(field.DeclaringType!)}::{field.Name}";

    /// <summary>The target name of a method (<c>Ns.Type::Method</c>).</summary>
    public static string MethodName(System.Reflection.MethodBase method) => $"{TypeName(method.DeclaringType!)}::{method.Name}";

    /// <summary>A type's name as the weaver writes it in a manifest (reflection style, the generic definition).</summary>
    public static string TypeName(Type type)
    {
        var named = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        return named.FullName ?? named.Name;
    }
}
