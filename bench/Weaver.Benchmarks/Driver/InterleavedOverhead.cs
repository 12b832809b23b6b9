using System.Diagnostics;
using System.Globalization;
using System.Text;
using GuardRuntime;

namespace Weaver.Benchmarks.Driver;

/// <summary>
/// The driver overhead measured so that the ratio can be trusted on a busy machine: the unwoven, allow-all and policy
/// copies run in one process on long-lived kernels, warmed past tier-1, interleaved round by round (the order rotates
/// every round), so load that comes and goes hits every variant alike. The figure is the median of the per-round
/// ratios with a distribution-free 95% confidence interval, and every round asserts that the variants did the same
/// work (frames delivered, device counters).
/// </summary>
/// <remarks>Run with <c>Weaver.Benchmarks interleaved [--rounds N] [--bursts B] [--out file.md]</c> (tools/bench.sh).</remarks>
public static class InterleavedOverhead
{
    private static readonly DriverVariant[] Variants = [DriverVariant.Unwoven, DriverVariant.GuardsAllowAll, DriverVariant.GuardsPolicy];

    /// <summary>Runs the measurement and writes its table; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        int rounds = IntOption(args, "--rounds", BenchInfo.Short ? 9 : 21);
        int bursts = IntOption(args, "--bursts", BenchInfo.Short ? 60 : 200);
        string output = StringOption(args, "--out") ?? Path.Combine("bench", "results", "driver-interleaved.md");

        var kernels = Variants.Select(DriverInstance.Start).ToArray();
        try
        {
            // Only the measured kernels' regions: nothing from other benchmarks is registered in this process.
            Regions.Clear();
            foreach (var k in kernels) k.ProtectRegions();
            GuardPolicies.LoadFile(Path.Combine(AppContext.BaseDirectory, "Driver", "sample-policy.json"));

            // Past tier-1: tiered compilation promotes after 30 calls plus a back-edge delay; a few thousand bursts
            // per variant leave every hot method at its final code.
            foreach (var k in kernels) for (int i = 0; i < (BenchInfo.Short ? 500 : 2000); i++) k.RunBurst();

            var nsPerBurst = new double[Variants.Length][];
            for (int v = 0; v < Variants.Length; v++) nsPerBurst[v] = new double[rounds];
            var allocated = new long[Variants.Length];
            for (int round = 0; round < rounds; round++)
            {
                var work = new WorkDone[Variants.Length];
                for (int step = 0; step < Variants.Length; step++)
                {
                    int v = (step + round) % Variants.Length;
                    var before = WorkDone.Of(kernels[v]);
                    long bytes = GC.GetAllocatedBytesForCurrentThread();
                    var clock = Stopwatch.StartNew();
                    for (int i = 0; i < bursts; i++) kernels[v].RunBurst();
                    clock.Stop();
                    allocated[v] += GC.GetAllocatedBytesForCurrentThread() - bytes;
                    work[v] = WorkDone.Of(kernels[v]) - before;
                    nsPerBurst[v][round] = clock.Elapsed.TotalNanoseconds / bursts;
                }
                for (int v = 1; v < Variants.Length; v++)
                    if (work[v] != work[0])
                        throw new InvalidOperationException($"round {round}: {Variants[v]} did other work than unwoven: {work[v]} vs {work[0]}");
            }
            foreach (var k in kernels)
                if (k.Host.Tainted) throw new InvalidOperationException($"{k.Variant} faulted: {string.Join("; ", k.Host.Faults)}");

            var table = Report(nsPerBurst, rounds, bursts, [.. allocated.Select(a => a / (double)(rounds * bursts))]);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            File.WriteAllText(output, table);
            Console.Write(table);
            return 0;
        }
        finally
        {
            foreach (var k in kernels) k.Dispose();
        }
    }

    private static string Report(double[][] nsPerBurst, int rounds, int bursts, double[] bytesPerBurst)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Driver overhead, interleaved in one process: {rounds} rounds of {bursts} bursts " +
            $"({DriverInstance.FramesPerBurst} frames each) per variant, order rotated every round, equal work asserted.");
        text.AppendLine();
        BenchInfo.Put("driver.interleaved.rounds", rounds, $"{bursts} bursts of {DriverInstance.FramesPerBurst} frames a round");
        text.AppendLine("| variant | median ns/burst | median ratio vs unwoven | 95% CI of the median ratio | bytes allocated per burst |");
        text.AppendLine("|---|---:|---:|---|---:|");
        for (int v = 0; v < Variants.Length; v++)
        {
            var ratios = Enumerable.Range(0, rounds).Select(r => nsPerBurst[v][r] / nsPerBurst[0][r]).ToArray();
            var (low, high) = MedianInterval(ratios);
            double median = Median(ratios);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {Variants[v]} | {Median(nsPerBurst[v]):N0} | {median:F3}x | {low:F3}x – {high:F3}x | {bytesPerBurst[v]:N0} |");
            string key = Variants[v] switch
            {
                DriverVariant.GuardsPolicy => "policy", DriverVariant.GuardsAllowAll => "allowall", _ => "unwoven",
            };
            BenchInfo.Put($"driver.interleaved.{key}.ns_per_burst", Median(nsPerBurst[v]));
            BenchInfo.Put($"driver.interleaved.{key}.bytes_per_burst", bytesPerBurst[v]);
            if (v > 0)
            {
                BenchInfo.Put($"driver.interleaved.{key}.ratio", median, $"95% CI {low:F3}-{high:F3}, {rounds} rounds");
                BenchInfo.Put($"driver.interleaved.{key}.low", low);
                BenchInfo.Put($"driver.interleaved.{key}.high", high);
            }
        }
        return text.ToString();
    }

    /// <summary>The median of <paramref name="values"/>.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>
    /// A distribution-free 95% confidence interval for the median: the order statistics j and n+1-j where j is the
    /// largest rank with P(Binomial(n, 1/2) &lt; j) ≤ 2.5%. Needs no assumption about the noise's distribution.
    /// </summary>
    public static (double Low, double High) MedianInterval(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        int j = 0;
        double cumulative = 0;
        for (int k = 0; k < n; k++)
        {
            cumulative += Binomial(n, k) * Math.Pow(0.5, n);
            if (cumulative > 0.025) break;
            j = k + 1;
        }
        if (j == 0) return (sorted[0], sorted[^1]); // too few rounds for 95%: the whole range
        return (sorted[j - 1], sorted[n - j]);
    }

    private static double Binomial(int n, int k)
    {
        double result = 1;
        for (int i = 1; i <= k; i++) result = result * (n - k + i) / i;
        return result;
    }

    private static int IntOption(string[] args, string name, int fallback) =>
        StringOption(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? StringOption(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>What a kernel did: frames delivered and dropped, and the interface's packet counters.</summary>
    private readonly record struct WorkDone(long Delivered, long Dropped, ulong TxPackets, ulong RxPackets)
    {
        public static WorkDone Of(DriverInstance k)
        {
            var stats = k.Device.Stats;
            return new(k.Host.Net.Delivered, k.Host.Net.TotalDropped, stats.TxPackets, stats.RxPackets);
        }

        public static WorkDone operator -(WorkDone a, WorkDone b) =>
            new(a.Delivered - b.Delivered, a.Dropped - b.Dropped, a.TxPackets - b.TxPackets, a.RxPackets - b.RxPackets);
    }
}
