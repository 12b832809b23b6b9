using System.Text;

namespace GuardRuntime;

/// <summary>Renders a policy compiled for one module as text (<c>weaver policy show</c>).</summary>
public static class PolicyFormatter
{
    /// <summary>Shows the policy a registered module runs under now (its installed tables, quarantine included).</summary>
    public static string Show(ModuleGuard module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return Render(GuardPolicies.Current, module.Name, module.Manifest, module.Policy, module.QuarantinedBy);
    }

    /// <summary>Compiles <paramref name="policy"/> for <paramref name="module"/> against the registered regions and shows the result.</summary>
    public static string Show(Policy policy, ModuleGuard module)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(module);
        return Render(policy, module.Name, module.Manifest, PolicyCompiler.Compile(policy, module, Regions.Current), module.QuarantinedBy);
    }

    /// <summary>
    /// Compiles <paramref name="policy"/> for a module described by its manifest and shows the result.
    /// </summary>
    /// <param name="policy">The policy.</param>
    /// <param name="manifest">The module's guard manifest (see <see cref="PolicyChecker.ReadManifest"/>).</param>
    /// <param name="regions">The regions to compile against; the registered ones when null.</param>
    /// <param name="sha256">The module file's SHA-256, for a section that pins one.</param>
    public static string Show(Policy policy, GuardManifest manifest, RegionSet? regions = null, string? sha256 = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(manifest);
        var compiled = PolicyCompiler.Compile(policy, manifest.Module, sha256, manifest, regions ?? Regions.Current);
        return Render(policy, manifest.Module, manifest, compiled, null);
    }

    private static string Render(Policy policy, string module, GuardManifest manifest, ModulePolicy compiled, GuardViolation? quarantine)
    {
        var text = new StringBuilder();
        var section = policy.SectionFor(module);
        var defaultAction = section?.Section.DefaultAction ?? policy.Default.DefaultAction;
        text.AppendLine($"Module {module}: {manifest.Targets.Count} targets, {manifest.Sites.Count} sites");
        text.AppendLine($"Policy {policy.Source ?? "(from code)"}, section {(section is null ? "default" : $"'{section.Module}' (line {section.Line})")}, default action {PolicyFile.Name(defaultAction)}");
        if (section?.Sha256 is { } pin) text.AppendLine($"Pinned SHA-256 {pin}");
        if (compiled.Refusal is { } refusal) text.AppendLine($"REFUSED: {refusal.Detail}");
        if (quarantine is not null) text.AppendLine($"QUARANTINED by: {quarantine}");

        int guarded = compiled.Table.Count(b => b != ModulePolicy.Unchecked);
        text.AppendLine();
        text.AppendLine($"Targets ({guarded} of {manifest.Targets.Count} leave the fast path):");
        var rows = manifest.Targets.Select(t => (
            Id: t.Id.ToString(),
            Kind: t.Kind.ToString(),
            Table: $"{compiled.Table[t.Id]} {TableName(compiled.Table[t.Id])}",
            Verdict: compiled.Table[t.Id] == ModulePolicy.Refused ? "refuse"
                : compiled.VerdictFor(t.Id) is { } v ? PolicyFile.Name(v.Action) : compiled.Table[t.Id] == ModulePolicy.Unchecked ? "allow" : "-",
            Target: t.Name + (t.Assembly is null ? "" : $" [{t.Assembly}]"),
            Rule: compiled.VerdictFor(t.Id)?.Describe(module) ?? "")).ToList();
        var header = (Id: "id", Kind: "kind", Table: "table", Verdict: "verdict", Target: "target", Rule: "decided by");
        int wId = rows.Select(r => r.Id.Length).Append(header.Id.Length).Max();
        int wKind = rows.Select(r => r.Kind.Length).Append(header.Kind.Length).Max();
        int wTable = rows.Select(r => r.Table.Length).Append(header.Table.Length).Max();
        int wVerdict = rows.Select(r => r.Verdict.Length).Append(header.Verdict.Length).Max();
        int wTarget = rows.Select(r => r.Target.Length).Append(header.Target.Length).Max();
        foreach (var r in rows.Prepend(header))
            text.AppendLine($"  {r.Id.PadLeft(wId)}  {r.Kind.PadRight(wKind)}  {r.Table.PadRight(wTable)}  {r.Verdict.PadRight(wVerdict)}  {r.Target.PadRight(wTarget)}  {r.Rule}".TrimEnd());

        var instances = compiled.Instances.ToList();
        text.AppendLine();
        text.AppendLine($"Protected instances ({instances.Count}):");
        foreach (var p in instances)
        {
            var what = p.Region.Instance is Array a
                ? $"{a.GetType().GetElementType()!.FullName}[{a.LongLength}] elements [{p.Region.Start}, {p.Region.Start + p.Region.Count})"
                : $"{p.Region.Instance.GetType().FullName} (all fields)";
            text.AppendLine($"  {p.Region.Name}: {what} -> {PolicyFile.Name(p.Verdict.Action)} by {p.Verdict.Describe(module)}");
        }

        text.AppendLine();
        text.AppendLine($"Address map ({compiled.Ranges.Count} intervals):");
        foreach (var (start, end, verdict) in compiled.Ranges.Intervals)
            text.AppendLine($"  [0x{start:x}, 0x{end:x}) {verdict.Region}: {PolicyFile.Name(verdict.Action)} by {verdict.Describe(module)}");
        return text.ToString();
    }

    private static string TableName(byte value) => value switch
    {
        ModulePolicy.Unchecked => "unchecked",
        ModulePolicy.TargetVerdict => "verdict",
        ModulePolicy.InstanceLookup => "instances",
        ModulePolicy.RangeLookup => "ranges",
        ModulePolicy.Refused => "refused",
        _ => "?",
    };
}
