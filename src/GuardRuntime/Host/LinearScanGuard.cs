namespace GuardRuntime;

/// <summary>
/// The paper's guard, kept as a benchmark baseline: every check scans a plain list of every restricted region, so
/// its cost grows with the policy. Verdicts are the same as the compiled policy's (<see cref="AddressMap"/> and the
/// instance table): the strictest action of the regions the store touches, the first listed at equal action.
/// </summary>
/// <remarks>Not used by <see cref="Guard"/>; compare it with <see cref="AddressMap.Find(nuint, nuint, out nuint)"/> for 1 to 10,000 regions.</remarks>
public sealed class LinearScanGuard
{
    private readonly AddressRegion[] ranges;
    private readonly Verdict[] rangeVerdicts;
    private readonly InstanceRegion[] instances;
    private readonly Verdict[] instanceVerdicts;

    /// <summary>Creates a guard over regions that already carry their verdicts.</summary>
    public LinearScanGuard(IEnumerable<(AddressRegion Region, Verdict Verdict)> ranges,
        IEnumerable<(InstanceRegion Region, Verdict Verdict)>? instances = null)
    {
        var r = ranges.ToArray();
        this.ranges = r.Select(x => x.Region).ToArray();
        rangeVerdicts = r.Select(x => x.Verdict).ToArray();
        var i = (instances ?? []).ToArray();
        this.instances = i.Select(x => x.Region).ToArray();
        instanceVerdicts = i.Select(x => x.Verdict).ToArray();
    }

    /// <summary>
    /// Creates the guard the paper would run for <paramref name="module"/>: every registered region that a region rule
    /// of the policy names (the module's section overriding the default section), in registration order.
    /// </summary>
    public static LinearScanGuard For(Policy policy, string module, RegionSet regions)
    {
        var verdicts = new Dictionary<string, Verdict>(StringComparer.Ordinal);
        foreach (var rule in policy.Default.Rules.Concat(policy.SectionFor(module)?.Section.Rules ?? []))
            if (rule.Selector == RuleSelector.Region) verdicts[rule.Pattern] = new Verdict(rule.Action, rule, rule.Pattern);
        return new LinearScanGuard(
            regions.Ranges.Where(r => verdicts.ContainsKey(r.Name)).Select(r => (r, verdicts[r.Name])),
            regions.Instances.Where(r => verdicts.ContainsKey(r.Name)).Select(r => (r, verdicts[r.Name])));
    }

    /// <summary>How many regions every check scans.</summary>
    public int Count => ranges.Length + instances.Length;

    /// <summary>The strictest verdict of the address ranges that a write of <paramref name="length"/> bytes at <paramref name="address"/> touches, or null.</summary>
    public Verdict? CheckAddress(nuint address, nuint length)
    {
        Verdict? best = null;
        for (int i = 0; i < ranges.Length; i++)
            if (ranges[i].Overlaps(address, length) && (best is null || rangeVerdicts[i].Action > best.Action)) best = rangeVerdicts[i];
        return best;
    }

    /// <summary>The strictest verdict of the regions covering element <paramref name="index"/> of <paramref name="target"/> (any field, for a non-array), or null.</summary>
    public Verdict? CheckInstance(object target, long index = 0)
    {
        Verdict? best = null;
        for (int i = 0; i < instances.Length; i++)
            if (ReferenceEquals(instances[i].Instance, target) && instances[i].Covers(index)
                && (best is null || instanceVerdicts[i].Action > best.Action)) best = instanceVerdicts[i];
        return best;
    }
}

/// <summary>
/// A synthetic policy of N address regions for the complexity sweep (the paper's figure: guard cost against the
/// number of restricted regions): disjoint ranges at random gaps in a made-up address space, one region rule each.
/// The addresses are never dereferenced.
/// </summary>
public sealed class SyntheticWorkload
{
    /// <summary>Where the made-up address space starts.</summary>
    public const ulong BaseAddress = 0x7000_0000_0000;

    private readonly Random random;

    private SyntheticWorkload(Policy policy, RegionSet regions, int seed)
    {
        Policy = policy;
        Regions = regions;
        random = new Random(seed);
        var verdicts = policy.Default.Rules.ToDictionary(r => r.Pattern, r => new Verdict(r.Action, r, r.Pattern));
        Compiled = AddressMap.Build(regions.Ranges.Select(r => (r, verdicts[r.Name])));
        Linear = new LinearScanGuard(regions.Ranges.Select(r => (r, verdicts[r.Name])));
    }

    /// <summary>Generates <paramref name="count"/> regions named <c>synthetic-0</c>... with one <paramref name="action"/> rule each.</summary>
    public static SyntheticWorkload Generate(int count, int seed = 1, GuardAction action = GuardAction.Throw)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        var ranges = new List<AddressRegion>(count);
        var rules = new List<PolicyRule>(count);
        ulong at = BaseAddress;
        for (int i = 0; i < count; i++)
        {
            at += (ulong)random.Next(64, 4096);           // gap
            var length = (ulong)random.Next(16, 2048);
            ranges.Add(new AddressRegion($"synthetic-{i}", (nuint)at, (nuint)length));
            rules.Add(new PolicyRule(RuleSelector.Region, $"synthetic-{i}", action));
            at += length;
        }
        var policy = new Policy { Default = new PolicySection { Rules = rules }, Source = $"synthetic({count})" };
        return new SyntheticWorkload(policy, RegionSet.Create(null, ranges), seed + 1);
    }

    /// <summary>The policy: one region rule per region, in the default section.</summary>
    public Policy Policy { get; }

    /// <summary>The regions (register them with <see cref="GuardRuntime.Regions.ProtectRange(nint, nuint, string)"/> to drive <see cref="Guard"/>).</summary>
    public RegionSet Regions { get; }

    /// <summary>The compiled interval map of the regions.</summary>
    public AddressMap Compiled { get; }

    /// <summary>The paper's linear scan over the same regions.</summary>
    public LinearScanGuard Linear { get; }

    /// <summary>
    /// Addresses to probe: a fraction <paramref name="hitFraction"/> of them inside a random region, the rest in the
    /// gaps between regions (the common case: a driver writing its own memory).
    /// </summary>
    public nuint[] Probes(int count, double hitFraction)
    {
        var probes = new nuint[count];
        var ranges = Regions.Ranges;
        for (int i = 0; i < count; i++)
        {
            if (ranges.Length == 0) { probes[i] = (nuint)(BaseAddress + (ulong)random.Next(0, 1 << 20)); continue; }
            var r = ranges[random.Next(ranges.Length)];
            probes[i] = random.NextDouble() < hitFraction
                ? r.Start + (nuint)random.Next(0, (int)r.Length)
                : r.Start - 1 - (nuint)random.Next(0, 32); // gaps are at least 64 bytes
        }
        return probes;
    }
}
