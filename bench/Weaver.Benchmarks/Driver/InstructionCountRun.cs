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
        // The same warm-up for every N, so that it cancels in the difference.
        for (int i = 0; i < 20; i++) kernel.RunBurst();
        long delivered = 0;
        for (int i = 0; i < bursts; i++) delivered += kernel.RunBurst();
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
