using Weaver.Engine.Diagnostics;
using Weaver.Engine.Pipeline;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Diagnostics;

/// <summary>
/// A user never needs more than one run to see every problem: every step of the weave runs after another reported
/// errors, the weave fails once, at the end, with every refusal, and a summary (WVR0012) groups them by API with
/// their count and first site. A crash of the weaver keeps its own code (WVR0099) and is never counted as bad input.
/// </summary>
public sealed class AllDiagnosticsInOneRunTests
{
    private static readonly string CaseFile = Path.Combine(AppContext.BaseDirectory, "Diagnostics", "Cases", "ManyRefusals.cs");

    private static readonly Lazy<string> Host = new(() => SnippetCompiler.Compile(
        "namespace Many.Host { public sealed class Api { public void Secret() { } } }", "Many.Host"));

    private static readonly Lazy<string> Module = new(() =>
        SnippetCompiler.CompileFiles([CaseFile], "Many.Refusals", extraReferences: [Host.Value]));

    private static string HostDirectory => Path.GetDirectoryName(Host.Value)!;

    private static WeaveResult Weave(out string output, IWeaveStep[]? steps = null)
    {
        output = Path.Combine(Path.GetDirectoryName(Module.Value)!, "woven", Guid.NewGuid().ToString("n") + ".dll");
        var options = new WeaveOptions { InputPath = Module.Value, OutputPath = output, ReferencePaths = [HostDirectory],
            Memoize = ["Many.Refusals::Missing", "bad name"] };
        return (steps is null ? new WeavePipeline() : new WeavePipeline(steps)).Run(options);
    }

    [Fact]
    public void One_run_reports_every_refusal_of_every_step_and_writes_nothing()
    {
        var result = Weave(out var output);
        Assert.False(result.Succeeded);
        Assert.False(result.InternalError, string.Join("\n", result.Diagnostics));
        Assert.False(File.Exists(output));
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var text = string.Join("\n", errors);

        // The check of the input, the memoizer, the escape-hatch step and the host-export check, all in one run.
        Assert.Contains(errors, e => e.Code == DiagnosticCodes.UncheckableApi && e.Message.Contains("Many.Refusals::Poke"));
        Assert.Contains(errors, e => e.Code == DiagnosticCodes.ForgedGuardCalls && e.Message.Contains("GuardRuntime.Guard::StoreStatic"));
        Assert.Contains(errors, e => e.Code == DiagnosticCodes.MemoizeMethodNotFound);
        Assert.Contains(errors, e => e.Code == DiagnosticCodes.MemoizeBadName);
        foreach (var api in new[] { "getpid", "calli", "mkrefany", "&object-reference", "overlapping-references",
                     "System.Environment::Exit", "System.AppContext::SetSwitch" })
            Assert.Contains(errors, e => e.Code == DiagnosticCodes.UncheckableApi && e.Message.Contains(api));
        Assert.Equal(2, errors.Count(e => e.Code == DiagnosticCodes.HostMethodNotExported));
    }

    [Fact]
    public void The_weave_closes_with_one_summary_grouping_refusals_by_API_with_counts_and_first_site()
    {
        var result = Weave(out _);
        var summary = Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.RefusalSummary);
        Assert.Equal(DiagnosticSeverity.Error, summary.Severity);
        Assert.Same(summary, result.Diagnostics[^1]);
        int refusals = result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error) - 1;
        Assert.StartsWith($"'Many.Refusals.dll' was not woven: {refusals} error(s) in ", summary.Message);

        var lines = summary.Message.Split('\n').Skip(1).ToList();
        // Two sites of Environment.Exit, two of the unexported host method: one line each, counted, most first.
        var exit = Assert.Single(lines, l => l.Contains("System.Environment::Exit"));
        Assert.Matches(@"WVR0010 System\.Environment::Exit — 2 sites — first at ManyRefusals\.cs\(\d+\): Many\.Refusals::Exit\(\) at IL_[0-9a-f]{4}", exit);
        var host = Assert.Single(lines, l => l.Contains("WVR0014"));
        Assert.Contains("unexported host methods of Many.Host — 2 sites — first at ManyRefusals.cs(", host);
        Assert.Contains("Many.Refusals::Host(Api) at IL_", host);
        Assert.Contains(lines, l => l.Contains("WVR0010 calli — 1 site — first at"));
        Assert.Contains(lines, l => l.Contains("WVR0010 overlapping-references — 1 site — first at Many.Refusals.dll: Many.Overlap"));
        var counts = lines.Select(l => int.Parse(System.Text.RegularExpressions.Regex.Match(l, @"— (\d+) sites?").Groups[1].Value)).ToList();
        Assert.Equal(counts.OrderByDescending(c => c), counts);
        Assert.Equal(refusals, counts.Sum());
    }

    [Fact]
    public void Allowed_unchecked_APIs_are_warnings_and_leave_only_the_others_refused()
    {
        var output = Path.Combine(Path.GetDirectoryName(Module.Value)!, "woven", "allowed.dll");
        var result = new WeavePipeline().Run(new WeaveOptions
        {
            InputPath = Module.Value, OutputPath = output, ReferencePaths = [HostDirectory], AllowUnchecked = ["System.Environment::*", "calli"],
        });
        Assert.Equal(2, result.Diagnostics.Count(d => d.Code == DiagnosticCodes.UncheckedApiAllowed && d.Api == "System.Environment::Exit"));
        Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.UncheckedApiAllowed && d.Api == "calli");
        var summary = Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.RefusalSummary);
        Assert.DoesNotContain("System.Environment::Exit", summary.Message);
        Assert.Contains("System.AppContext::SetSwitch", summary.Message);
    }

    private sealed class CrashingStep : IWeaveStep
    {
        public void Run(WeaveContext context) => throw new InvalidCastException("simulated weaver bug");
    }

    [Fact]
    public void A_crash_keeps_its_own_code_is_not_counted_as_bad_input_and_the_input_is_still_fully_reported()
    {
        var result = Weave(out var output,
            [new LoadStep(), new CheckInputStep(), new CrashingStep(), new GuardStep(), new EscapeHatchStep(), new MarkStep(), new WriteStep()]);
        Assert.False(result.Succeeded);
        Assert.True(result.InternalError);
        Assert.False(File.Exists(output));
        var crash = Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.InternalError);
        Assert.Contains("CrashingStep", crash.Message);
        Assert.Contains("weaver bug, not a problem of the input", crash.Message);
        // The steps after the crash still ran: the escape-hatch refusals are there.
        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.UncheckableApi && d.Message.Contains("calli"));
        var summary = Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.RefusalSummary);
        Assert.Contains("the weaver also failed internally, WVR0099", summary.Message);
        Assert.DoesNotContain("WVR0099 ", summary.Message.Split('\n', 2)[1]);
    }

    [Fact]
    public void A_single_error_needs_no_summary()
    {
        var dll = SnippetCompiler.Compile("public static class One { public static void F() => System.Environment.Exit(1); }", "OneRefusal");
        var result = new WeavePipeline().Run(new WeaveOptions { InputPath = dll, OutputPath = dll + ".out.dll" });
        Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == DiagnosticCodes.RefusalSummary);
    }

    [Fact]
    public void The_CLI_prints_every_error_and_the_summary_in_one_run_and_exits_1()
    {
        var output = Path.Combine(Path.GetDirectoryName(Module.Value)!, "woven", "cli.dll");
        var run = WeaverCli.Run("weave", Module.Value, "-o", output, "-r", HostDirectory, "-q");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error WVR0012:", run.Err);
        Assert.Contains("error WVR0014:", run.Err);
        Assert.Contains("calli", run.Err);
        Assert.Contains("System.AppContext::SetSwitch", run.Err);
        Assert.False(File.Exists(output));
    }
}
