using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using GuardRuntime;

namespace Weaver.Benchmarks.Driver;

/// <summary>
/// Woven vs unwoven e1000e, side by side in one process: four separately woven copies of E1000e.dll (see
/// <see cref="DriverCopies"/>), each in its own load context and its own simulated kernel, run the same traffic.
/// The unwoven copy is the baseline of each category; the ratio column is the guard overhead (the paper: ~2.5% worst
/// case on e1000e).
/// </summary>
/// <remarks>
/// <para><b>ns per guarded store.</b> At setup a fifth copy, woven like <c>GuardsPolicy</c> and then instrumented with
/// a counter before every guard call (<see cref="GuardCallCounter"/>), runs the same operation 200 times; the mean
/// number of dynamic guard checks per operation is written to the bench info file (and the log). SUMMARY.md then
/// divides the time difference woven − unwoven by that count. It counts every check (stores, range checks of library
/// writes, host-call checks), which is what the difference pays for.</para>
/// <para>One operation of <c>EndToEnd</c> is a burst of 64 frames through transmit, MAC loopback, interrupt, NAPI
/// receive and the IPv4 stack; frames/s = 64 / mean. <c>DriverOnly</c> is the statistics fold + receive filter
/// update + ethtool dump, all driver code and MMIO.</para>
/// </remarks>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class DriverOverheadBenchmarks
{
    private DriverInstance unwoven = null!, allowAll = null!, policy = null!, memo = null!;

    /// <summary>Weaves (or reuses) the copies, boots one kernel per copy, installs the sample policy, counts guard calls.</summary>
    [GlobalSetup]
    public void Setup()
    {
        unwoven = DriverInstance.Start(DriverVariant.Unwoven);
        allowAll = DriverInstance.Start(DriverVariant.GuardsAllowAll);
        policy = DriverInstance.Start(DriverVariant.GuardsPolicy);
        memo = DriverInstance.Start(DriverVariant.GuardsPolicyMemo);
        var counting = DriverInstance.Start(DriverVariant.Counting);
        foreach (var k in new[] { unwoven, allowAll, policy, memo, counting }) k.ProtectRegions();
        GuardPolicies.LoadFile(Path.Combine(AppContext.BaseDirectory, "Driver", "sample-policy.json"));
        foreach (var m in ModuleRegistry.Modules)
            Console.WriteLine($"// guard module {m}: {m.Policy.Table.Count(b => b != 0)} targets leave the table, {m.Policy.Ranges.Count} address intervals, {m.Policy.InstanceCount} protected objects");

        // Dynamic guard calls per operation, on the counting copy (same policy as GuardsPolicy).
        const int runs = 200;
        for (int i = 0; i < 20; i++) counting.RunBurst();
        GuardCallCounter.Reset();
        for (int i = 0; i < runs; i++) counting.RunBurst();
        Report("endtoend", runs);
        for (int i = 0; i < 20; i++) counting.RunDriverOnly();
        GuardCallCounter.Reset();
        for (int i = 0; i < runs; i++) counting.RunDriverOnly();
        Report("driveronly", runs);
        if (counting.Host.Tainted || policy.Host.Tainted)
            throw new InvalidOperationException("A guarded copy faulted: " + string.Join("; ", counting.Host.Faults.Concat(policy.Host.Faults)));
        counting.Dispose();
    }

    private static void Report(string path, int runs)
    {
        BenchInfo.Put($"driver.{path}.guard_calls_per_op", (double)GuardCallCounter.Total / runs,
            $"field {GuardCallCounter.Field / runs}, static {GuardCallCounter.Static / runs}, element {GuardCallCounter.Element / runs}, address {GuardCallCounter.Address / runs}, range {GuardCallCounter.Range / runs}, call {GuardCallCounter.Call / runs}");
    }

    /// <summary>Releases the kernels.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var k in new[] { unwoven, allowAll, policy, memo })
        {
            if (k.Host.Tainted) Console.WriteLine($"// {k.Variant} faulted: {string.Join("; ", k.Host.Faults)}");
            k.Dispose();
        }
    }

    /// <summary>Unwoven driver, 64-frame burst.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("EndToEnd")]
    public int EndToEnd_Unwoven() => unwoven.RunBurst();

    /// <summary>Guards, allow-all policy.</summary>
    [Benchmark, BenchmarkCategory("EndToEnd")]
    public int EndToEnd_GuardsAllowAll() => allowAll.RunBurst();

    /// <summary>Guards, sample policy.</summary>
    [Benchmark, BenchmarkCategory("EndToEnd")]
    public int EndToEnd_GuardsPolicy() => policy.RunBurst();

    /// <summary>Guards, sample policy, memoization requested.</summary>
    [Benchmark, BenchmarkCategory("EndToEnd")]
    public int EndToEnd_GuardsPolicyMemo() => memo.RunBurst();

    /// <summary>Unwoven driver, driver-only path.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("DriverOnly")]
    public ulong DriverOnly_Unwoven() => unwoven.RunDriverOnly();

    /// <summary>Guards, allow-all policy.</summary>
    [Benchmark, BenchmarkCategory("DriverOnly")]
    public ulong DriverOnly_GuardsAllowAll() => allowAll.RunDriverOnly();

    /// <summary>Guards, sample policy.</summary>
    [Benchmark, BenchmarkCategory("DriverOnly")]
    public ulong DriverOnly_GuardsPolicy() => policy.RunDriverOnly();

    /// <summary>Guards, sample policy, memoization requested.</summary>
    [Benchmark, BenchmarkCategory("DriverOnly")]
    public ulong DriverOnly_GuardsPolicyMemo() => memo.RunDriverOnly();
}
