using System.Text;

namespace Weaver.Tests.Fuzz;

/// <summary>What one generated call came to, woven (the verdict) and unwoven (the control).</summary>
public sealed record CallOutcome(int Index, CallSpec Spec, string Verdict, string Detail, bool WritesUnwoven, string Control)
{
    public const string Refused = "REFUSED", Stopped = "STOPPED", NoWrite = "NO WRITE", GotThrough = "GOT THROUGH",
        Crashed = "CRASHED", Hung = "HUNG";
}

/// <summary>Classifies the runs of a module and writes the summary and the list of calls that got through.</summary>
public static class FuzzOutcome
{
    public static IReadOnlyList<CallOutcome> Classify(IReadOnlyList<CallSpec> calls, BuiltModule module,
        IReadOnlyList<CallRun> woven, IReadOnlyList<CallRun> unwoven)
    {
        var outcomes = new List<CallOutcome>();
        foreach (var (index, message) in module.Refused)
            outcomes.Add(new(index, calls[index], CallOutcome.Refused, message, false, "not run"));
        for (int k = 0; k < module.Calls.Count; k++)
        {
            var (w, u) = (woven[k], unwoven[k]);
            string verdict = w.Fate switch
            {
                CallRun.Crashed => CallOutcome.Crashed,
                CallRun.Hung => CallOutcome.Hung,
                _ when w.Changed => CallOutcome.GotThrough,
                _ when w.Violation => CallOutcome.Stopped,
                _ => CallOutcome.NoWrite,
            };
            string control = u.Fate != CallRun.Ran ? u.Fate : u.Changed ? "writes protected bytes" : "no write";
            outcomes.Add(new(module.Calls[k], calls[module.Calls[k]], verdict,
                (w.Violation ? "violation; " : "") + (w.Exception == "-" ? "" : w.Exception + ": ") + w.Detail,
                u.Fate == CallRun.Ran && u.Changed, control));
        }
        return [.. outcomes.OrderBy(o => o.Index)];
    }

    /// <summary>The summary line the brief asks for: <c>fuzz: seed S, N calls, R refused, S stopped, W no write, T got through</c>.</summary>
    public static string Summary(string label, IReadOnlyList<CallOutcome> outcomes) =>
        $"{label}: {outcomes.Count} calls, {Count(outcomes, CallOutcome.Refused)} refused, "
        + $"{Count(outcomes, CallOutcome.Stopped)} stopped, {Count(outcomes, CallOutcome.NoWrite)} no write, "
        + $"{Count(outcomes, CallOutcome.GotThrough)} got through";

    /// <summary>The full report: summary, extra counts, and every call that got through (or crashed woven).</summary>
    public static string Report(string label, IReadOnlyList<CallOutcome> outcomes, BuiltModule module)
    {
        var s = new StringBuilder(Summary(label, outcomes)).Append('\n');
        int controlWrites = outcomes.Count(o => o.WritesUnwoven);
        s.Append($"  also: {Count(outcomes, CallOutcome.Crashed)} crashed and {Count(outcomes, CallOutcome.Hung)} hung woven; ")
         .Append($"{module.Uncompilable.Count} generated calls did not compile (dropped); {module.Weaves} weaves; ")
         .Append($"control: {controlWrites} of the run calls write protected bytes unwoven, ")
         .Append($"{outcomes.Count(o => o.WritesUnwoven && o.Verdict == CallOutcome.Stopped)} of them stopped woven, ")
         .Append($"{outcomes.Count(o => o.WritesUnwoven && o.Verdict == CallOutcome.GotThrough)} got through woven\n");
        // Why generated calls did not compile, by compiler error code: grammar noise worth knowing the size of.
        s.Append("  dropped by the compiler: ").AppendJoin(", ", module.Uncompilable.Values.GroupBy(v => v.Split(' ')[0])
            .OrderByDescending(g => g.Count()).Select(g => $"{g.Key} x{g.Count()} ({Cut(g.First(), 90)})")).Append('\n');
        foreach (var (index, message) in module.Refused) s.Append($"  REFUSED: C{index} {Cut(message)}\n");
        foreach (var o in outcomes.Where(o => o.Verdict is CallOutcome.GotThrough or CallOutcome.Crashed or CallOutcome.Hung))
            s.Append($"  {o.Verdict}: C{o.Index} {o.Spec.Key}\n      {Cut(o.Detail)} [unwoven: {o.Control}]\n      ")
             .Append(ModuleSource.Statement(o.Spec)).Append('\n');
        return s.ToString();
    }

    private static int Count(IReadOnlyList<CallOutcome> outcomes, string verdict) => outcomes.Count(o => o.Verdict == verdict);

    private static string Cut(string s, int n = 240) => s.Length <= n ? s : s[..n] + "...";
}
