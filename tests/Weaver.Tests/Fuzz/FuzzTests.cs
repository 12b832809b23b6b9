using System.Globalization;
using Xunit.Abstractions;

namespace Weaver.Tests.Fuzz;

/// <summary>
/// Issue 11 item 8: module code generated from a grammar of the framework APIs a module may call, with receivers
/// and arguments that include protected objects, arrays, spans, pointers and refs; no protected byte may change
/// under the deny policy. <c>FUZZ_SEED</c> and <c>FUZZ_CALLS</c> override the seed and the number of calls.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 11;
    // About 25 s on a busy 2-core machine (one compile, a few weaves, two child processes).
    private const int DefaultCalls = 600;

    public static string RegressionFile => Path.Combine(AppContext.BaseDirectory, "Fuzz", "regressions.txt");

    [Fact]
    public void Generated_framework_calls_change_no_protected_byte()
    {
        int seed = EnvInt("FUZZ_SEED", DefaultSeed);
        int count = EnvInt("FUZZ_CALLS", DefaultCalls);
        var surface = FrameworkSurface.Candidates.Value;
        output.WriteLine($"fuzz: seed {seed} (FUZZ_SEED), {count} calls (FUZZ_CALLS) from {surface.Count} candidate "
                         + $"members; excluded: {string.Join("; ", FrameworkSurface.Excluded.Select(e => $"{e.Value} {e.Key}"))}");
        var calls = CallGenerator.Generate(surface, seed, count);
        var outcomes = Run(calls, "fuzz-" + seed, $"fuzz: seed {seed}");
        Assert.True(outcomes.All(o => o.Verdict != CallOutcome.GotThrough),
            $"{outcomes.Count(o => o.Verdict == CallOutcome.GotThrough)} generated calls changed protected bytes (see output)");
    }

    [Fact]
    public void Pinned_calls_that_got_through_once_change_no_protected_byte()
    {
        var surface = FrameworkSurface.Candidates.Value.ToDictionary(m => m.Key, StringComparer.Ordinal);
        var lines = File.ReadLines(RegressionFile).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var parsed = lines.Select(l => CallSpec.Parse(l, surface)).ToList();
        var unresolved = parsed.Where(p => p.Spec is null).Select(p => p.Error).ToList();
        foreach (var e in unresolved) output.WriteLine("unresolved: " + e);
        var outcomes = Run([.. parsed.Where(p => p.Spec is not null).Select(p => p.Spec!)], "fuzz-pinned", "fuzz: pinned");
        Assert.Empty(unresolved);
        Assert.True(outcomes.All(o => o.Verdict != CallOutcome.GotThrough),
            $"{outcomes.Count(o => o.Verdict == CallOutcome.GotThrough)} pinned calls changed protected bytes (see output)");
    }

    private IReadOnlyList<CallOutcome> Run(IReadOnlyList<CallSpec> calls, string hint, string label)
    {
        var module = ModuleBuilder.Build(calls, hint);
        // The woven verdict and the unwoven control run side by side, in separate children.
        var woven = Task.Run(() => ChildRunner.Run(module, woven: true));
        var unwoven = Task.Run(() => ChildRunner.Run(module, woven: false));
        var outcomes = FuzzOutcome.Classify(calls, module, woven.Result, unwoven.Result);
        var report = FuzzOutcome.Report(label, outcomes, module);
        output.WriteLine(report);
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(module.Unwoven)!, "report.txt"), report);
        Console.WriteLine(FuzzOutcome.Summary(label, outcomes));
        return outcomes;
    }

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v : fallback;
}
