namespace GuardRuntime.Tests;

public sealed class AddressMapTests
{
    private static Verdict V(GuardAction action, string name) =>
        new(action, new PolicyRule(RuleSelector.Region, name, action), name);

    private static Verdict? Brute(List<(AddressRegion Region, Verdict Verdict)> ranges, nuint address, nuint length)
    {
        Verdict? best = null;
        foreach (var (region, verdict) in ranges)
            if (region.Overlaps(address, length) && (best is null || verdict.Action > best.Action)) best = verdict;
        return best;
    }

    [Fact]
    public void Overlapping_ranges_take_the_strictest_and_adjacent_equal_ranges_merge()
    {
        var audit = V(GuardAction.Audit, "a");
        var deny = V(GuardAction.Throw, "t");
        var map = AddressMap.Build([
            (new AddressRegion("a", 100, 100), audit),  // [100, 200)
            (new AddressRegion("t", 150, 100), deny),   // [150, 250)
            (new AddressRegion("t", 250, 50), deny),    // [250, 300) adjacent, same verdict: merged
        ]);
        Assert.Equal([((nuint)100, (nuint)150, audit), (150, 300, deny)], map.Intervals);
        Assert.Null(map.Find(99, 1, out _));
        Assert.Same(audit, map.Find(100, 1, out var start));
        Assert.Equal((nuint)100, start);
        Assert.Same(deny, map.Find(140, 20, out _)); // spans both: strictest
        Assert.Same(deny, map.Find(299, 1, out _));
        Assert.Null(map.Find(300, 1, out _));
        Assert.Same(audit, map.Find(50, 51, out _)); // ends exactly at 101
        Assert.Null(map.Find(50, 50, out _));        // ends exactly at 100
        Assert.Same(deny, map.Find(0, nuint.MaxValue, out _)); // a wrapping length touches everything above
    }

    [Fact]
    public void A_write_is_inside_only_when_one_interval_holds_all_of_it()
    {
        var allow = V(GuardAction.Allow, "dev");
        var deny = V(GuardAction.Throw, "other");
        var map = AddressMap.Build([(new AddressRegion("dev", 1000, 100), allow), (new AddressRegion("other", 1100, 50), deny)]);

        Assert.NotNull(map.Find(1000, 8, out _, out var inside));
        Assert.True(inside);                                  // wholly in the device window: cannot reach the GC heap
        map.Find(1096, 8, out _, out inside);
        Assert.False(inside);                                 // runs into the next interval
        map.Find(1140, 20, out _, out inside);
        Assert.False(inside);                                 // runs past the last interval
        Assert.Null(map.Find(900, 8, out _, out inside));
        Assert.False(inside);                                 // outside every range
        Assert.Null(AddressMap.Empty.Find(0, 1, out _, out inside));
        Assert.False(inside);
    }

    [Fact]
    public void Random_maps_agree_with_a_brute_force_scan_and_with_the_linear_guard()
    {
        var random = new Random(12345);
        for (int round = 0; round < 50; round++)
        {
            int n = random.Next(0, 60);
            var ranges = new List<(AddressRegion, Verdict)>();
            for (int i = 0; i < n; i++)
            {
                var action = (GuardAction)random.Next(0, 5);
                nuint start = (nuint)random.Next(0, 2000);
                nuint length = (nuint)random.Next(1, random.Next(2) == 0 ? 20 : 400);
                ranges.Add((new AddressRegion($"r{i}", start, length), V(action, $"r{i}")));
            }
            var map = AddressMap.Build(ranges);
            var linear = new LinearScanGuard(ranges);
            for (int probe = 0; probe < 400; probe++)
            {
                nuint address = (nuint)random.Next(0, 2500);
                nuint length = (nuint)random.Next(0, 64);
                var expected = Brute(ranges, address, length);
                var actual = map.Find(address, length, out _);
                Assert.Equal(expected?.Action, actual?.Action);
                Assert.Equal(expected?.Action, linear.CheckAddress(address, length)?.Action);
                if (length <= 1) Assert.Same(expected, actual); // one interval: the same region decides
            }
            // Intervals are sorted and disjoint.
            var list = map.Intervals.ToList();
            for (int i = 1; i < list.Count; i++) Assert.True(list[i - 1].End <= list[i].Start);
        }
    }

    [Fact]
    public void Ten_thousand_regions_compile_fast_and_agree_with_the_linear_scan()
    {
        var workload = SyntheticWorkload.Generate(10_000);
        Assert.Equal(10_000, workload.Regions.Ranges.Length);
        Assert.Equal(10_000, workload.Compiled.Count);
        Assert.Equal(10_000, workload.Linear.Count);
        var probes = workload.Probes(2000, hitFraction: 0.5);
        int hits = 0;
        foreach (var p in probes)
        {
            var compiled = workload.Compiled.Find(p, 1, out _);
            Assert.Same(workload.Linear.CheckAddress(p, 1), compiled);
            if (compiled is not null) hits++;
        }
        Assert.InRange(hits, 800, 1200);
        Assert.Equal(10_000, workload.Policy.Default.Rules.Count);
    }

    [Fact]
    public void Synthetic_workload_drives_the_real_guard()
    {
        var workload = SyntheticWorkload.Generate(100, action: GuardAction.Audit);
        var b = new ModuleBuilder("synthetic");
        int ptr = b.Address();
        var m = b.Register();
        try
        {
            foreach (var r in workload.Regions.Ranges) Regions.ProtectRange((nint)r.Start, r.Length, r.Name);
            GuardPolicies.Install(workload.Policy);
            Assert.Equal(100, m.Policy.Ranges.Count);
            long before = Violations.Total;
            foreach (var p in workload.Probes(50, 1.0)) GuardTest.StoreAt((nint)p, 1, ptr, m);
            Assert.Equal(50, Violations.Total - before);
            foreach (var p in workload.Probes(50, 0.0)) GuardTest.StoreAt((nint)p, 1, ptr, m);
            Assert.Equal(50, Violations.Total - before);
        }
        finally
        {
            ModuleRegistry.Unregister(m);
            GuardTest.Registered.Remove(m);
            Regions.Clear();
            GuardPolicies.Install(Policy.AllowAll);
        }
    }

    [Fact]
    public void Linear_guard_checks_instances_like_the_compiled_table()
    {
        var arr = new int[10];
        var obj = new object();
        var policy = GuardTest.Rules(GuardTest.R(RuleSelector.Region, "arr", GuardAction.Throw), GuardTest.R(RuleSelector.Region, "obj", GuardAction.Audit));
        var regions = RegionSet.Create([new InstanceRegion("arr", arr, 2, 3), new InstanceRegion("obj", obj, 0, -1)], null);
        var linear = LinearScanGuard.For(policy, "m", regions);
        Assert.Equal(GuardAction.Throw, linear.CheckInstance(arr, 4)?.Action);
        Assert.Null(linear.CheckInstance(arr, 5));
        Assert.Equal(GuardAction.Audit, linear.CheckInstance(obj)?.Action);
        Assert.Null(linear.CheckInstance(new object()));
    }
}
