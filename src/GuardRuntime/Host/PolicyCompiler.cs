namespace GuardRuntime;

/// <summary>
/// Compiles a <see cref="Policy"/> for one module against the regions registered now. All matching of names and
/// precedence happens here, once per load; the checks only read the result.
/// </summary>
/// <remarks>
/// Precedence: a region rule beats a field rule (an exact field beats <c>Type::*</c>), which beats a type rule, which
/// beats a namespace rule (a deeper namespace first), which beats the section's default action. At equal specificity
/// the module's own section beats the default section, and within one section the later rule wins (the parser
/// refuses two rules with the same selector and pattern but different actions in one section). Several region rules
/// covering the same memory: the strictest action wins.
/// </remarks>
public static class PolicyCompiler
{
    /// <summary>Compiles <paramref name="policy"/> for <paramref name="module"/>.</summary>
    /// <remarks>The section is the one of the module's bound name; an unbound module gets the default section only.</remarks>
    public static ModulePolicy Compile(Policy policy, ModuleGuard module, RegionSet regions) =>
        Compile(policy, module.BoundName, module.Name, module.Manifest.Module, module.Sha256, module.Manifest, regions);

    /// <summary>Compiles <paramref name="policy"/> for a module described by its manifest (used by <c>weaver policy show</c>).</summary>
    public static ModulePolicy Compile(Policy policy, string moduleName, string? sha256, GuardManifest manifest, RegionSet regions) =>
        Compile(policy, moduleName, moduleName, moduleName, sha256, manifest, regions);

    // sectionName picks the section (null: the default only), owner is the assembly whose fields are the module's own.
    private static ModulePolicy Compile(Policy policy, string? sectionName, string moduleName, string owner, string? sha256,
        GuardManifest manifest, RegionSet regions)
    {
        var targets = manifest.Targets;
        var section = sectionName is null ? null : policy.SectionFor(sectionName);
        if (section?.Sha256 is { } pin && !string.Equals(pin, sha256, StringComparison.OrdinalIgnoreCase))
        {
            var site = new GuardSite(0, "(module load)", 0, policy.Source, section.Line, 0);
            var target = targets.Count > 0 ? targets[0] : new GuardTarget(0, TargetKind.Call, "(none)", null);
            return ModulePolicy.RefuseAll(targets.Count, new GuardViolation(moduleName, site, target, null,
                $"the policy section for '{moduleName}'", GuardAction.Quarantine,
                $"module file hash {sha256 ?? "(unknown)"} does not match the policy's pin {pin}"));
        }

        var rules = Ordered(policy.Default.Rules, section?.Section.Rules);
        var defaultAction = section?.Section.DefaultAction ?? policy.Default.DefaultAction;
        var regionVerdicts = RegionVerdicts(rules);

        var objectRules = new ObjectRules(rules, defaultAction, moduleName);
        var table = new byte[targets.Count];
        var verdicts = new Verdict?[targets.Count];
        var instances = CompileInstances(regions, regionVerdicts);
        var protectedTypes = instances.Keys.Where(o => o is not Array).SelectMany(o => TypeNames(o.GetType())).ToHashSet(StringComparer.Ordinal);
        var protectedArrays = instances.Keys.OfType<Array>().Select(a => a.GetType().GetElementType()!).Distinct().ToArray();
        var ranges = AddressMap.Build(regions.Ranges
            .Where(r => regionVerdicts.ContainsKey(r.Name))
            .Select(r => (r, regionVerdicts[r.Name])));

        foreach (var target in targets)
        {
            bool own = target.Assembly == owner;
            switch (target.Kind)
            {
                case TargetKind.InstanceField:
                case TargetKind.StaticField:
                {
                    var verdict = BestMemberRule(rules, target) ?? (own ? null : DefaultVerdict(defaultAction));
                    verdicts[target.Id] = verdict is { Action: GuardAction.Allow } ? null : verdict;
                    if (target.Kind == TargetKind.InstanceField && target.DeclaringType is { } type && protectedTypes.Contains(type))
                        table[target.Id] = ModulePolicy.InstanceLookup;
                    else if (verdicts[target.Id] is not null)
                        table[target.Id] = ModulePolicy.TargetVerdict;
                    break;
                }
                case TargetKind.ArrayElement:
                    if (protectedArrays.Any(e => ArrayElementClass.CanWrite(target.Name, e)))
                        table[target.Id] = ModulePolicy.InstanceLookup;
                    break;
                case TargetKind.Address:
                    if (ranges.Count > 0 || instances.Count > 0) table[target.Id] = ModulePolicy.RangeLookup; // pointers can reach protected objects too
                    break;
                case TargetKind.Object:
                    // Immutable shared objects reach the slow path whatever this byte says (Guard.StoreObject).
                    if (instances.Count > 0 || objectRules.AnyDeny) table[target.Id] = ModulePolicy.ObjectLookup;
                    break;
                case TargetKind.Call:
                {
                    var verdict = BestCallRule(rules, target) ?? (own ? null : DefaultVerdict(defaultAction));
                    if (verdict is { Action: not GuardAction.Allow })
                    {
                        verdicts[target.Id] = verdict;
                        table[target.Id] = ModulePolicy.TargetVerdict;
                    }
                    break;
                }
            }
        }
        return new ModulePolicy(table, verdicts, instances, ranges, null, objectRules);
    }

    // Default-section rules first, module rules after: a later rule of equal specificity wins.
    private static List<PolicyRule> Ordered(IReadOnlyList<PolicyRule> defaults, IReadOnlyList<PolicyRule>? module)
    {
        var all = new List<PolicyRule>(defaults);
        if (module is not null) all.AddRange(module);
        return all;
    }

    internal static Verdict? DefaultVerdict(GuardAction action) =>
        action == GuardAction.Allow ? null : new Verdict(action, null, null);

    private static Dictionary<string, Verdict> RegionVerdicts(List<PolicyRule> rules)
    {
        var result = new Dictionary<string, Verdict>(StringComparer.Ordinal);
        foreach (var rule in rules)
            if (rule.Selector == RuleSelector.Region)
                result[rule.Pattern] = new Verdict(rule.Action, rule, rule.Pattern);
        return result;
    }

    private static Verdict ReadOnlyVerdict(string region) =>
        new(GuardAction.Throw, null, region) { Reason = "the host marked the object read-only for every module" };

    private static Dictionary<object, InstanceProtection[]> CompileInstances(RegionSet regions, Dictionary<string, Verdict> regionVerdicts)
    {
        Verdict? verdict;
        var result = new Dictionary<object, InstanceProtection[]>(ReferenceEqualityComparer.Instance);
        foreach (var region in regions.Instances)
        {
            // A read-only object is denied to every module whatever the rules say: no rule is consulted at all.
            if (region.ReadOnly) verdict = ReadOnlyVerdict(region.Name);
            else if (!regionVerdicts.TryGetValue(region.Name, out verdict)) continue;
            var entry = new InstanceProtection(region, verdict);
            result[region.Instance] = result.TryGetValue(region.Instance, out var existing)
                // Stricter verdicts first, so the first covering entry is the one that decides.
                ? [.. existing.Append(entry).OrderByDescending(p => p.Verdict.Action)]
                : [entry];
        }
        return result;
    }

    internal static Verdict? BestMemberRule(List<PolicyRule> rules, GuardTarget target)
    {
        PolicyRule? best = null;
        int bestScore = 0;
        foreach (var rule in rules)
        {
            int score = MemberScore(rule, target);
            if (score > 0 && score >= bestScore) { best = rule; bestScore = score; }
        }
        return best is null ? null : new Verdict(best.Action, best, null);
    }

    /// <summary>
    /// How specifically a field, type or namespace rule names a field target, 0 when it does not: an exact field beats
    /// <c>Type::*</c>, which beats a type rule, which beats a namespace rule; a deeper namespace beats a shallower one.
    /// </summary>
    internal static int MemberScore(PolicyRule rule, GuardTarget target)
    {
        switch (rule.Selector)
        {
            case RuleSelector.Field:
                if (rule.Pattern == target.Name) return 4000;
                return IsTypeWildcard(rule.Pattern, target.DeclaringType) ? 3000 : 0;
            case RuleSelector.Type:
                return rule.Pattern == target.DeclaringType ? 2000 : 0;
            case RuleSelector.Namespace:
                // "*" scores 1, "Kernel" 2, "Kernel.Net" 3, ...
                return InNamespace(target.DeclaringType, rule.Pattern) ? 1 + NamespaceDepth(rule.Pattern) : 0;
            default:
                return 0;
        }
    }

    private static bool IsTypeWildcard(string pattern, string? declaringType) =>
        declaringType is not null && pattern.EndsWith("::*", StringComparison.Ordinal)
        && pattern.Length == declaringType.Length + 3 && pattern.StartsWith(declaringType, StringComparison.Ordinal);

    private static int NamespaceDepth(string pattern)
    {
        if (pattern.EndsWith(".*", StringComparison.Ordinal)) pattern = pattern[..^2];
        return pattern == "*" ? 0 : Math.Min(pattern.Count(c => c == '.') + 1, 999);
    }

    internal static Verdict? BestCallRule(List<PolicyRule> rules, GuardTarget target)
    {
        PolicyRule? best = null;
        int bestScore = 0;
        foreach (var rule in rules)
        {
            if (rule.Selector != RuleSelector.Call) continue;
            int score = rule.Pattern == target.Name ? 2 : IsTypeWildcard(rule.Pattern, target.DeclaringType) ? 1 : 0;
            if (score > 0 && score >= bestScore) { best = rule; bestScore = score; }
        }
        return best is null ? null : new Verdict(best.Action, best, null);
    }

    /// <summary>Whether <paramref name="typeName"/> lies in namespace <paramref name="pattern"/> or below it (<c>Kernel</c>, <c>Kernel.*</c>).</summary>
    public static bool InNamespace(string? typeName, string pattern)
    {
        if (typeName is null) return false;
        if (pattern.EndsWith(".*", StringComparison.Ordinal)) pattern = pattern[..^2];
        if (pattern == "*") return true;
        return typeName.Length > pattern.Length && typeName.StartsWith(pattern, StringComparison.Ordinal) && typeName[pattern.Length] == '.';
    }

    /// <summary>The names a field target may use for a field of <paramref name="type"/>: the type and its base types, generic ones by their definition.</summary>
    internal static IEnumerable<string> TypeNames(Type type)
    {
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            var named = t.IsGenericType ? t.GetGenericTypeDefinition() : t;
            if (named.FullName is { } name) yield return name;
        }
    }
}
