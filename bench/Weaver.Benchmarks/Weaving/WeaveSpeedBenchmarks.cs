using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Weaver.Engine.Pipeline;

namespace Weaver.Benchmarks.Weaving;

/// <summary>
/// Weaving speed: one full pipeline run (read, check, guard every store, escape hatches, mark, write) over the e1000e
/// driver and over a large real assembly, Newtonsoft.Json from the NuGet cache (copied to a temp folder first).
/// Methods/s and IL bytes/s are the weave report's counts divided by the mean (SUMMARY.md); allocations come from
/// the memory diagnoser; the process's peak working set is printed at cleanup.
/// </summary>
[MemoryDiagnoser]
public class WeaveSpeedBenchmarks
{
    private WeaveOptions options = null!;

    /// <summary>What to weave.</summary>
    [Params("E1000e", "Newtonsoft.Json")]
    public string Input { get; set; } = "";

    /// <summary>Copies the input to temp and weaves it once to record its size.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var input = BenchInputs.CopyToTemp(Input, "weave", withSymbols: true);
        options = new WeaveOptions
        {
            InputPath = input,
            OutputPath = Path.Combine(Path.GetDirectoryName(input)!, "out", Path.GetFileName(input)),
            Guards = GuardKinds.All,
            ReferencePaths = [AppContext.BaseDirectory, Path.GetDirectoryName(typeof(object).Assembly.Location)!],
            // A general-purpose library uses reflection and other APIs no guard can check; a driver must not.
            AllowUnchecked = Input == "E1000e" ? [] : ["*"],
        };
        Directory.CreateDirectory(Path.GetDirectoryName(options.OutputPath)!);
        var result = Weave();
        var r = result.Report;
        BenchInfo.Put($"weave.{Input}.methods", r.MethodsScanned);
        BenchInfo.Put($"weave.{Input}.il_bytes", r.ILBytes);
        BenchInfo.Put($"weave.{Input}.guards", r.TotalGuards);
        BenchInfo.Put($"weave.{Input}.input_bytes", new FileInfo(input).Length);
    }

    /// <summary>Prints (and records) the peak working set of this benchmark process.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        using var self = Process.GetCurrentProcess();
        BenchInfo.Put($"weave.{Input}.peak_working_set_mb", self.PeakWorkingSet64 / 1048576.0);
    }

    /// <summary>One weave.</summary>
    [Benchmark]
    public WeaveResult Weave()
    {
        var result = new WeavePipeline().Run(options);
        if (!result.Succeeded) throw new InvalidOperationException("Weave failed:\n" + string.Join("\n", result.Diagnostics));
        return result;
    }
}
