using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using KcrRuntime;
using Weaver.Engine.Pipeline;
using Weaver.Engine.Suggest;

namespace Weaver.Benchmarks.Suggest;

/// <summary>
/// <c>Weaver.Benchmarks suggest --out bench/results/suggest.md</c> (<c>tools/bench.sh --suggest</c>): for the driver,
/// the KCR samples and real libraries, what <c>weaver suggest</c> finds against what a person picked, how many methods
/// <c>--memoize auto</c> weaves and how many of them paid in the workload, and the workload's end-to-end speedup —
/// then the same after a second weave that reads the first run's profile (profile-guided). Woven (memoization only)
/// and unwoven copies run in one process, rounds interleaved, median of the per-round ratios.
/// </summary>
internal static class SuggestEvaluation
{
    private const int Rounds = 15;
    private static readonly TimeSpan MinimumMeasurement = TimeSpan.FromMilliseconds(60);

    public static int Run(string[] args)
    {
        var output = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? "bench/results/suggest.md";
        var rows = new List<string>();
        var details = new StringBuilder();
        foreach (var subject in SuggestSubject.All())
        {
            Console.WriteLine($"// {subject.Name}");
            var dir = Path.Combine(Path.GetTempPath(), "weaver-bench", $"suggest-{Path.GetFileNameWithoutExtension(subject.Dll)}-{Environment.ProcessId}");
            Directory.CreateDirectory(dir);
            var dll = Path.Combine(dir, Path.GetFileName(subject.Dll));
            File.Copy(subject.Dll, dll, overwrite: true);
            var watch = Stopwatch.StartNew();
            var (report, diagnostics) = SuggestRunner.Run(new SuggestOptions { InputPath = dll, ReferencePaths = [AppContext.BaseDirectory] });
            if (report is null) throw new InvalidOperationException(string.Join("\n", diagnostics));
            double analysisSeconds = watch.Elapsed.TotalSeconds;
            var picks = Picks(subject, report);
            string auto = "-", paid = "-", speedup = "-", autoAfter = "-", paidAfter = "-", speedupAfter = "-", control = "-";
            if (subject.Workload is { } workload)
            {
                var first = Measure(dll, Path.Combine(dir, "auto"), null, workload);
                var profilePath = Path.Combine(dir, "profile.json");
                first.Profile.Save(profilePath);
                var second = Measure(dll, Path.Combine(dir, "pgo"), profilePath, workload);
                (auto, paid, speedup) = (first.Memoized.Count.ToString(CultureInfo.InvariantCulture), first.Paid.ToString(CultureInfo.InvariantCulture), $"{first.Speedup:0.00}×");
                (autoAfter, paidAfter, speedupAfter) = (second.Memoized.Count.ToString(CultureInfo.InvariantCulture), second.Paid.ToString(CultureInfo.InvariantCulture), $"{second.Speedup:0.00}×");
                control = string.Create(CultureInfo.InvariantCulture, $"{first.Control:0.00}× / {second.Control:0.00}×");
                details.AppendLine(CultureInfo.InvariantCulture, $"- **{subject.Name}**: auto wove {Names(first.Memoized)}; paid: {Names(first.PaidNames)}. After the profile: {Names(second.Memoized)}.");
            }
            var categories = string.Join(", ", report.Rejected.GroupBy(r => r.Category).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} {g.Key}"));
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {subject.Name} | {report.MethodsAnalysed} | {report.Suggested.Count} | {categories} | {picks.Summary} | {auto} | {paid} | {speedup} | {autoAfter} | {paidAfter} | {speedupAfter} | {control} | {analysisSeconds:0.0} s |"));
            if (picks.Details.Length > 0) details.AppendLine(CultureInfo.InvariantCulture, $"- **{subject.Name}**, the person's picks: {picks.Details}");
            var top = report.Suggested.Where(s => s.CoveredBy is null).Take(5).Select(s => $"`{s.ShortName}` (≈{s.ExpectedSavingPerCall:0} ns)");
            if (report.Suggested.Count > 0) details.AppendLine(CultureInfo.InvariantCulture, $"- **{subject.Name}**, top suggestions: {string.Join(", ", top)}.");
        }
        Write(output, rows, details.ToString());
        return 0;
    }

    private sealed record Measurement(IReadOnlyList<string> Memoized, int Paid, IReadOnlyList<string> PaidNames, double Speedup,
        double Control, KcrProfile Profile);

    private static Measurement Measure(string dll, string dir, string? profile, Func<Assembly, Action> workload)
    {
        var woven = Path.Combine(dir, Path.GetFileName(dll));
        var result = new WeavePipeline().Run(new WeaveOptions
        {
            InputPath = dll, OutputPath = woven, Guards = GuardKinds.None, Memoize = ["auto"], MemoizeProfile = profile,
            ReferencePaths = [AppContext.BaseDirectory], Symbols = false,
        });
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("\n", result.Diagnostics));
        var memoized = result.Report.Memoized.ToList();
        var plainRun = workload(new SharingContext(dll).LoadFromAssemblyPath(dll));
        var wovenRun = workload(new SharingContext(woven).LoadFromAssemblyPath(woven));
        // A second unwoven copy in its own context: the A/A control, whose ratio is the noise of this measurement.
        var controlRun = workload(new SharingContext(dll).LoadFromAssemblyPath(dll));
        // Warm-up for a second at least (tier-1 JIT of all three copies, determinism learning for the woven one),
        // then a pause for the background compiler to finish.
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < TimeSpan.FromSeconds(1.5)) { plainRun(); wovenRun(); controlRun(); }
        Thread.Sleep(300);
        int repeat = 1;
        while (Time(plainRun, repeat) < MinimumMeasurement.TotalNanoseconds && repeat < 1 << 12) repeat *= 2;
        var ratios = new List<double>();
        var controls = new List<double>();
        for (int round = 0; round < Rounds; round++)
        {
            double plain = Time(plainRun, repeat);
            double memo = Time(wovenRun, repeat);
            double control = Time(controlRun, repeat);
            ratios.Add(plain / memo);
            controls.Add(plain / control);
        }
        ratios.Sort();
        controls.Sort();
        var captured = KcrProfile.Capture();
        var mine = memoized.Select(captured.Find).Where(e => e is not null).Select(e => e!).ToList();
        var paid = mine.Where(e => e.Paid).Select(e => e.Method).ToList();
        Console.WriteLine($"//   memoized {memoized.Count}, paid {paid.Count}, speedup {ratios[Rounds / 2]:0.000}, A/A {controls[Rounds / 2]:0.000} (x{repeat} per measurement)");
        return new Measurement(memoized, paid.Count, paid, ratios[Rounds / 2], controls[Rounds / 2], new KcrProfile(mine));
    }

    private static double Time(Action run, int repeat)
    {
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < repeat; i++) run();
        return watch.Elapsed.TotalNanoseconds;
    }

    private static (string Summary, string Details) Picks(SuggestSubject subject, SuggestReport report)
    {
        if (subject.PersonsPicks.Count == 0) return ("none", "");
        var found = new List<string>();
        var missed = new List<string>();
        foreach (var pick in subject.PersonsPicks)
        {
            if (report.Suggested.Any(s => s.ShortName == pick)) { found.Add(pick); continue; }
            var why = report.Rejected.FirstOrDefault(r => r.Method.StartsWith(pick + "(", StringComparison.Ordinal));
            missed.Add($"`{Short(pick)}` not suggested ({why?.Category}: {why?.Reason})");
        }
        var text = found.Count == 0 ? "" : $"suggested {string.Join(", ", found.Select(f => $"`{Short(f)}`"))}. ";
        return ($"{found.Count} of {subject.PersonsPicks.Count}", text + string.Join("; ", missed) + (missed.Count > 0 ? "." : ""));
    }

    private static string Short(string name) => name[(name.LastIndexOf('.', name.IndexOf("::", StringComparison.Ordinal)) + 1)..];

    private static string Names(IReadOnlyList<string> tables) =>
        tables.Count == 0 ? "nothing" : string.Join(", ", tables.Select(t => $"`{Short(t[..t.IndexOf('(')])}`"));

    private static void Write(string path, List<string> rows, string details)
    {
        var text = new StringBuilder();
        text.AppendLine("# Transparent memoization: what `weaver suggest` finds, what `--memoize auto` weaves, what paid");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Generated by `bash tools/bench.sh --suggest` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC ({Environment.ProcessorCount} cores, .NET {Environment.Version}).");
        text.AppendLine("Each workload runs an unwoven and a memoization-only woven copy of the assembly in one process, rounds interleaved;");
        text.AppendLine(CultureInfo.InvariantCulture, $"speedup = median over {Rounds} rounds of unwoven time / woven time (above 1: memoization helped). *After profile* is a");
        text.AppendLine("second weave with `--memoize-profile` of the first run's profile: tables that did not pay are left out. A table *paid*");
        text.AppendLine("when it served hits at a useful rate and ended the run serving. Workloads call the libraries through reflection (the");
        text.AppendLine("same cost for both copies), so their speedups are diluted, not inflated. Every auto-memoized method is also run");
        text.AppendLine("woven against unwoven over seeded random inputs in `tests/Weaver.Tests/Suggest` (identical results required).");
        text.AppendLine();
        text.AppendLine("*A/A* is the same measurement between two unwoven copies (first run / after profile): the noise floor of that row.");
        text.AppendLine();
        text.AppendLine("| assembly | methods | suggested | rejected | person's picks suggested | auto-woven | paid | speedup | woven after profile | paid | speedup after profile | A/A | analysis |");
        text.AppendLine("|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows) text.AppendLine(row);
        text.AppendLine();
        text.Append(details);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text.ToString());
        File.Move(temporary, path, overwrite: true);
        Console.WriteLine($"// wrote {path}");
    }

    // Woven code must share the KCR (and guard) runtime with this process, or its tables would be another copy's.
    private sealed class SharingContext(string path) : AssemblyLoadContext("suggest-" + Path.GetFileName(Path.GetDirectoryName(path)), isCollectible: false)
    {
        private readonly string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;

        protected override Assembly? Load(AssemblyName name)
        {
            if (GuardRuntime.Abi.AbiDescriptor.IsRuntimeAssembly(name.Name)) return null;
            var candidate = Path.Combine(directory, name.Name + ".dll");
            return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
        }
    }
}
