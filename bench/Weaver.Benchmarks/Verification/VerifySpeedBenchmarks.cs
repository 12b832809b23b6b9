using BenchmarkDotNet.Attributes;
using GuardRuntime.Verification;
using Weaver.Engine.Pipeline;

namespace Weaver.Benchmarks.Verification;

/// <summary>
/// Load-time verification speed: the host's guard verifier over the woven e1000e driver and over woven
/// Newtonsoft.Json (woven with --allow-unchecked '*', as a general-purpose library needs). The image is in memory, so
/// this is decode-and-check time only. MB of IL per second is the recorded IL size divided by the mean (SUMMARY.md).
/// </summary>
[MemoryDiagnoser]
public class VerifySpeedBenchmarks
{
    private byte[] image = [];

    /// <summary>What to verify.</summary>
    [Params("E1000e", "Newtonsoft.Json")]
    public string Input { get; set; } = "";

    /// <summary>Weaves the input once and checks that the verifier accepts it.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var input = BenchInputs.CopyToTemp(Input, "verify");
        var output = Path.Combine(Path.GetDirectoryName(input)!, "out", Path.GetFileName(input));
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var woven = new WeavePipeline().Run(new WeaveOptions
        {
            InputPath = input,
            OutputPath = output,
            Guards = GuardKinds.All,
            ReferencePaths = [AppContext.BaseDirectory, Path.GetDirectoryName(typeof(object).Assembly.Location)!],
            AllowUnchecked = Input == "E1000e" ? [] : ["*"],
        });
        if (!woven.Succeeded) throw new InvalidOperationException("Weave failed:\n" + string.Join("\n", woven.Diagnostics));
        image = File.ReadAllBytes(output);
        var result = Verify();
        if (!result.Accepted) throw new InvalidOperationException("Verifier rejects the woven input:\n" + string.Join("\n", result.Errors));
        BenchInfo.Put($"verify.{Input}.methods", result.Methods);
        BenchInfo.Put($"verify.{Input}.il_bytes", result.IlBytes);
        BenchInfo.Put($"verify.{Input}.image_bytes", image.Length);
    }

    /// <summary>One verification of the whole module (hash, metadata, every body).</summary>
    [Benchmark]
    public VerificationResult Verify() => ModuleVerifier.Default.Verify(image, Input + ".dll");
}
