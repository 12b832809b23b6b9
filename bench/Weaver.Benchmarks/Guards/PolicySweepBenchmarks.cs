using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using GuardRuntime;

namespace Weaver.Benchmarks.Guards;

/// <summary>An object type the sweep protects instances of (a stand-in for a kernel object such as a credential).</summary>
public sealed class Victim
{
    /// <summary>The field the module writes.</summary>
    public long Value;
}

/// <summary>
/// Guard cost against policy complexity (the paper's sweep): N = 1..10,000 rules of each kind, our compiled check
/// (the real <see cref="Guard"/> entry points the woven code calls, on a module registered from a manifest) against the
/// paper's strategy, a linear scan of every restricted region per store (<see cref="LinearScanGuard"/>; for field
/// rules the same scan over the rules' field ids). Every probe is a store the policy allows (the common case: a driver
/// writing its own memory), which is the linear scan's full-scan case; each invocation runs 1,024 probes and the
/// time reported is per store.
/// </summary>
/// <remarks>
/// All three kinds are installed at once (N ranges + N objects + N field rules in one policy), as a real policy
/// would mix them; so a compiled address check also looks the address up among the N protected objects' current
/// extents (a pointer into a protected object is caught by address).
/// </remarks>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PolicySweepBenchmarks
{
    private const int Probes = 1024;

    // Target ids of the manifest below.
    private const int AddressTarget = 0, VictimField = 1, HostField = 2;

    private ModuleGuard module = null!;
    private LinearScanGuard linearRanges = null!, linearInstances = null!;
    private nuint[] addresses = null!;
    private Victim[] victims = null!;
    private int[] fieldRuleIds = null!;
    private int probeFieldId;

    /// <summary>Rules (and regions) of the kind under test.</summary>
    [ParamsSource(nameof(Sizes))]
    public int N { get; set; }

    /// <summary>1..10,000; the short run keeps 1, 100 and 10,000.</summary>
    public static IEnumerable<int> Sizes => BenchInfo.Short ? [1, 100, 10_000] : [1, 10, 100, 1_000, 10_000];

    /// <summary>Registers N address ranges, N protected objects and N field rules, then the test module.</summary>
    [GlobalSetup]
    public void Setup()
    {
        // Address ranges: SyntheticWorkload's disjoint ranges; probes fall in the gaps.
        var synthetic = SyntheticWorkload.Generate(N);
        foreach (var r in synthetic.Regions.Ranges) Regions.ProtectRange((nint)r.Start, r.Length, r.Name);
        linearRanges = synthetic.Linear;
        addresses = synthetic.Probes(Probes, hitFraction: 0);

        // Protected instances: N Victim objects, each its own region; probes store to other Victims.
        var rules = new List<PolicyRule>(synthetic.Policy.Default.Rules);
        var protectedVictims = new List<(InstanceRegion, Verdict)>();
        for (int i = 0; i < N; i++)
        {
            var v = new Victim();
            var name = $"victim-{i}";
            Regions.Protect(v, name);
            var rule = new PolicyRule(RuleSelector.Region, name, GuardAction.Throw);
            rules.Add(rule);
            protectedVictims.Add((new InstanceRegion(name, v, 0, -1), new Verdict(GuardAction.Throw, rule, name)));
        }
        linearInstances = new LinearScanGuard([], protectedVictims);
        victims = Enumerable.Range(0, Probes).Select(_ => new Victim()).ToArray();

        // Field rules: N rules on host fields Kernel.Fake.T{i}::F; the probed store writes a host field no rule names.
        var targets = new List<GuardTarget>
        {
            new(AddressTarget, TargetKind.Address, "*", null),
            new(VictimField, TargetKind.InstanceField, typeof(Victim).FullName + "::Value", "Weaver.Benchmarks"),
            new(HostField, TargetKind.InstanceField, "Kernel.Fake.Config::Flag", "Kernel.Fake"),
        };
        fieldRuleIds = new int[N];
        for (int i = 0; i < N; i++)
        {
            rules.Add(new PolicyRule(RuleSelector.Field, $"Kernel.Fake.T{i}::F", GuardAction.Throw));
            targets.Add(new GuardTarget(targets.Count, TargetKind.InstanceField, $"Kernel.Fake.T{i}::F", "Kernel.Fake"));
            fieldRuleIds[i] = targets.Count - 1;
        }
        probeFieldId = HostField;

        GuardPolicies.Install(new Policy { Default = new PolicySection { Rules = rules }, Source = $"sweep({N})" });
        var manifest = new GuardManifest
        {
            Module = "SweepModule",
            Targets = targets,
            Sites = [new GuardSite(0, "Sweep::Probe", 0, null, 0, AddressTarget)],
        };
        module = ModuleRegistry.Register(manifest);
        Console.WriteLine($"// N={N}: {module.Policy.Ranges.Count} intervals, {module.Policy.InstanceCount} protected objects, table[address]={module.Policy.Table[AddressTarget]}, table[victim]={module.Policy.Table[VictimField]}, table[host field]={module.Policy.Table[HostField]}");
    }

    /// <summary>Compiled: <c>Guard.StoreAddress</c> (table byte, then a binary search of the merged intervals).</summary>
    [Benchmark(OperationsPerInvoke = Probes), BenchmarkCategory("AddressRanges")]
    public unsafe void Compiled_AddressRanges()
    {
        var m = module;
        foreach (var a in addresses) Guard.StoreAddress(ref Unsafe.AsRef<byte>((void*)a), 1, AddressTarget, 0, m);
    }

    /// <summary>The paper's scan of every range.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Probes), BenchmarkCategory("AddressRanges")]
    public int Linear_AddressRanges()
    {
        int hits = 0;
        foreach (var a in addresses) if (linearRanges.CheckAddress(a, 1) is not null) hits++;
        return hits;
    }

    /// <summary>Compiled: <c>Guard.StoreField</c> on a type with protected instances (table byte, then one hash lookup).</summary>
    [Benchmark(OperationsPerInvoke = Probes), BenchmarkCategory("ProtectedInstances")]
    public void Compiled_ProtectedInstances()
    {
        var m = module;
        foreach (var v in victims) Guard.StoreField(v, VictimField, 0, m);
    }

    /// <summary>The paper's scan of every protected object.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Probes), BenchmarkCategory("ProtectedInstances")]
    public int Linear_ProtectedInstances()
    {
        int hits = 0;
        foreach (var v in victims) if (linearInstances.CheckInstance(v) is not null) hits++;
        return hits;
    }

    /// <summary>Compiled: <c>Guard.StoreField</c> on a host field no rule names (the table byte alone).</summary>
    [Benchmark(OperationsPerInvoke = Probes), BenchmarkCategory("FieldRules")]
    public void Compiled_FieldRules()
    {
        var m = module;
        var v = victims[0];
        for (int i = 0; i < Probes; i++) Guard.StoreField(v, probeFieldId, 0, m);
    }

    /// <summary>A scan of every field rule's target id per store (the paper's strategy applied to field rules).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Probes), BenchmarkCategory("FieldRules")]
    public int Linear_FieldRules()
    {
        int hits = 0;
        var ids = fieldRuleIds;
        for (int i = 0; i < Probes; i++)
        {
            foreach (var id in ids) if (id == probeFieldId) { hits++; break; }
        }
        return hits;
    }
}
