using System.Diagnostics;
using System.Globalization;
using GuardRuntime.Verification;
using Weaver.Engine.Pipeline;

namespace Weaver.Benchmarks.Verification;

/// <summary>
/// <c>verifier [--out file.md] [--rounds N]</c>: load-time verification throughput in one process, as a host sees it —
/// the first verification of each module (per-process caches cold: effect model, host surface, JIT) and the steady
/// state (median and best of N rounds, each long enough to time). MB of IL per second is the IL the verifier decoded
/// (the method bodies) divided by the time of one whole verification (hash, metadata, every body). Written to
/// bench/results/verifier.md by <c>tools/bench.sh --verifier</c>.
/// </summary>
public static class VerifierThroughput
{
    private const double TargetMBps = 50;

    /// <summary>Runs the measurement; returns 0 when every accepted input was measured.</summary>
    public static int Run(string[] args)
    {
        string? output = null;
        int rounds = 15;
        for (int i = 1; i < args.Length - 1; i++)
            if (args[i] == "--out") output = args[i + 1];
            else if (args[i] == "--rounds") rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
        var rows = new List<string>();
        foreach (var input in new[] { "E1000e", "Newtonsoft.Json" })
        {
            var image = Weave(input);
            var verifier = ModuleVerifier.Default;
            var clock = Stopwatch.StartNew();
            var first = verifier.Verify(image, input + ".dll");
            double coldMs = clock.Elapsed.TotalMilliseconds;
            // The driver must be accepted; the library is woven with --allow-unchecked '*', so its reflection calls stay
            // and the verifier rejects them, after decoding every body: the same work, reported as such.
            if (!first.Accepted && input == "E1000e")
                throw new InvalidOperationException($"{input} rejected:\n" + string.Join("\n", first.Errors));
            var verdict = first.Accepted ? "accepted" : $"rejected ({first.Errors.Count} calls left unchecked by --allow-unchecked)";
            // Warm up for two seconds, so tiered compilation has promoted the verifier's hot methods.
            for (var warm = Stopwatch.StartNew(); warm.ElapsedMilliseconds < 2000;) verifier.Verify(image, input + ".dll");
            // Enough repetitions per round for ~200 ms, so a round is not timer noise.
            int reps = Math.Max(1, (int)(200 / Math.Max(0.05, Time(() => verifier.Verify(image, input + ".dll")))));
            var perModule = new List<double>();
            var cpuPerModule = new List<double>();
            using var process = Process.GetCurrentProcess();
            for (int r = 0; r < rounds; r++)
            {
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                clock.Restart();
                for (int k = 0; k < reps; k++) verifier.Verify(image, input + ".dll");
                perModule.Add(clock.Elapsed.TotalMilliseconds / reps);
                process.Refresh();
                cpuPerModule.Add((process.TotalProcessorTime - cpu).TotalMilliseconds / reps);
            }
            perModule.Sort();
            cpuPerModule.Sort();
            double median = perModule[perModule.Count / 2], best = perModule[0], cpuMedian = cpuPerModule[cpuPerModule.Count / 2];
            double mb = first.IlBytes / 1e6;
            double mbps = mb / (median / 1000), cpuMBps = mb / (cpuMedian / 1000);
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {input} | {verdict} | {first.Methods} | {first.IlBytes / 1024.0:F0} KB | {image.Length / 1024.0:F0} KB | {coldMs:F2} | " +
                $"{median:F3} | {best:F3} | {mbps:F0} | {mb / (best / 1000):F0} | {cpuMedian:F3} | **{cpuMBps:F0}** | " +
                $"{(cpuMBps >= TargetMBps ? "yes" : "no")} |"));
            Console.WriteLine(rows[^1]);
        }
        var text = string.Join("\n", [
            "# Load-time verifier throughput",
            "",
            $"`tools/bench.sh --verifier` ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, " +
            $".NET {Environment.Version}, {rounds} rounds). One process, as a host: `ModuleVerifier.Default.Verify(image)` on the",
            "woven module in memory (SHA-256 of the image, metadata, every method body, manifest). *First* is the first",
            "verification in the process (effect model parsed, host surface read, verifier JIT-compiled); *median* and *best*",
            "are the steady state per module (wall clock). *CPU* is the process's CPU time per module (all threads), which",
            "is what a verification costs when the machine is shared: on 2 cores with other jobs running, the wall clock",
            "mostly measures waiting for a core. MB/s is MB of IL decoded (method bodies) per second.",
            $"Target: at least {TargetMBps} MB/s (checked on the CPU-time median). Load average at the start: {LoadAverage()}.",
            "",
            "| module | verdict | methods | IL | image | first (ms) | median (ms/module) | best (ms) | MB/s (median) | " +
            "MB/s (best) | CPU (ms/module) | MB/s (CPU) | ≥ target |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
            .. rows,
            "",
        ]);
        if (output is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            File.WriteAllText(output + ".tmp", text);
            File.Move(output + ".tmp", output, overwrite: true);
        }
        Console.WriteLine(text);
        return 0;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }

    // Weaves the input as the verification benchmark does (a general-purpose library needs --allow-unchecked '*').
    private static byte[] Weave(string input)
    {
        var source = BenchInputs.CopyToTemp(input, "verifier");
        var output = Path.Combine(Path.GetDirectoryName(source)!, "out", Path.GetFileName(source));
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var woven = new WeavePipeline().Run(new WeaveOptions
        {
            InputPath = source,
            OutputPath = output,
            Guards = GuardKinds.All,
            ReferencePaths = [AppContext.BaseDirectory, Path.GetDirectoryName(typeof(object).Assembly.Location)!],
            AllowUnchecked = input == "E1000e" ? [] : ["*"],
        });
        if (!woven.Succeeded) throw new InvalidOperationException("Weave failed:\n" + string.Join("\n", woven.Diagnostics));
        return File.ReadAllBytes(output);
    }
}
