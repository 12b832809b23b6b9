using System.Diagnostics.Metrics;
using System.Globalization;
using GuardRuntime;

namespace Weaver.Benchmarks.Driver;

/// <summary>
/// One variant of the driver, a fixed set-up and then exactly <c>--bursts N</c> bursts: the program cachegrind runs
/// (tools/bench.sh --instructions). Running it for two values of N and subtracting the instruction totals cancels
/// start-up, JIT and set-up, leaving instructions per burst, which do not move with the machine's load.
/// </summary>
/// <remarks>Run with <c>Weaver.Benchmarks count --variant GuardsPolicy --bursts 200</c>.</remarks>
public static class InstructionCountRun
{
    /// <summary>Runs the variant; prints the frames delivered (so that equal work can be checked) and returns 0.</summary>
    public static int Run(string[] args)
    {
        var variant = Enum.Parse<DriverVariant>(Option(args, "--variant") ?? nameof(DriverVariant.GuardsPolicy));
        int bursts = int.Parse(Option(args, "--bursts") ?? "100", CultureInfo.InvariantCulture);
        using var kernel = DriverInstance.Start(variant);
        kernel.ProtectRegions();
        GuardPolicies.LoadFile(Path.Combine(AppContext.BaseDirectory, "Driver", "sample-policy.json"));
        // The same warm-up for every N, so that it cancels in the difference; long enough that every method the bursts
        // reach (the watchdog's and the statistics' periodic paths included) is compiled before the counted bursts, so
        // that no JIT work falls between the two run lengths.
        int warmup = int.Parse(Option(args, "--warmup") ?? "300", CultureInfo.InvariantCulture);
        for (int i = 0; i < warmup; i++) kernel.RunBurst();
        // And from an empty gen0: collections then fall at the same bursts for every variant (they allocate alike per
        // burst), instead of wherever start-up left the allocation budget, which moved the difference by ±2,000 per frame.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long delivered = 0;
        // The counting copy (the policy copy plus a counter before every check) also counts the checks that leave the
        // fast path, from the runtime's own meter: never run under cachegrind, only to divide its counts.
        long slow = 0;
        using var listener = new MeterListener();
        if (variant == DriverVariant.Counting)
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == GuardMetrics.MeterName && instrument.Name == "guard.slow_checks") l.EnableMeasurementEvents(instrument);
            };
            listener.SetMeasurementEventCallback<long>((_, value, _, _) => slow += value);
            listener.Start();
            GuardCallCounter.Reset();
        }
        for (int i = 0; i < bursts; i++) delivered += kernel.RunBurst();
        if (variant == DriverVariant.Counting)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"checks per burst: field={GuardCallCounter.Field / (double)bursts} static={GuardCallCounter.Static / (double)bursts} " +
                $"element={GuardCallCounter.Element / (double)bursts} address={GuardCallCounter.Address / (double)bursts} " +
                $"range={GuardCallCounter.Range / (double)bursts} call={GuardCallCounter.Call / (double)bursts} " +
                $"total={GuardCallCounter.Total / (double)bursts} slow={slow / (double)bursts}"));
        if (kernel.Host.Tainted) throw new InvalidOperationException(string.Join("; ", kernel.Host.Faults));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"variant={variant} bursts={bursts} delivered={delivered}"));
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
