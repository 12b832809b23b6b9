using System.Globalization;
using Weaver.Engine.Suggest;

namespace Weaver.Cli.Commands;

/// <summary>The text form of a <see cref="SuggestReport"/>: the ranked candidates, then the rejections with their reason.</summary>
internal static class SuggestTable
{
    public static void Write(TextWriter w, SuggestReport report, int maxRejections)
    {
        var c = CultureInfo.InvariantCulture;
        var profile = report.Profile is null ? "" : $" (profile {report.Profile})";
        w.WriteLine(string.Create(c, $"{report.Assembly}: {report.MethodsAnalysed} methods analysed, {report.Suggested.Count} suggested, {report.Rejected.Count} rejected{profile}"));
        w.WriteLine();
        if (report.Suggested.Count == 0) w.WriteLine("No method is both safe and likely worth memoizing.");
        else
        {
            w.WriteLine("  #  method                                                    saving/call  repeat   body ns   hit ns  arguments");
            int rank = 0;
            foreach (var s in report.Suggested)
            {
                rank++;
                var repeat = s.RepeatRate is { } r ? r.ToString("P0", c) : "-";
                var name = s.ShortName + (s.Annotated ? " [Memoize]" : "") + (s.CoveredBy is { } by ? $" (inside {ShortName(by)})" : "");
                w.WriteLine(string.Create(c, $"{rank,3}{(s.Selected ? '*' : ' ')} {Clip(name, 56),-56} {s.ExpectedSavingPerCall,9:0} ns {repeat,7} {s.Cost.BodyNanoseconds,9:0} {s.Cost.HitNanoseconds,8:0}  ({string.Join(", ", s.ArgumentKinds)})"));
            }
            w.WriteLine("  * woven by 'weaver weave --memoize auto' (the top candidates, each still behind determinism learning)");
        }
        if (report.Rejected.Count == 0) return;
        w.WriteLine();
        var byCategory = report.Rejected.GroupBy(r => r.Category).OrderByDescending(g => g.Count())
            .Select(g => string.Create(c, $"{g.Count()} {g.Key}"));
        w.WriteLine($"Rejected: {string.Join(", ", byCategory)}");
        // A person's pick the analysis rejects is the most useful line: list those first.
        foreach (var r in report.Rejected.OrderByDescending(r => r.Annotated).ThenBy(r => Rank(r.Category)).Take(maxRejections))
            w.WriteLine($"  {Clip(r.Method, 70)}{(r.Annotated ? " [Memoize]" : "")}: {r.Reason}");
        if (report.Rejected.Count > maxRejections)
            w.WriteLine(string.Create(c, $"  ... {report.Rejected.Count - maxRejections} more (--rejections all, or --json)"));
    }

    // Impure and costly methods are what a reader wants to see explained; shape rules (void, instance) are routine.
    private static int Rank(string category) => category switch { "profile" => 0, "impure" => 1, "cost" => 2, _ => 3 };

    private static string ShortName(string table) => table.IndexOf('(') is var i and > 0 ? table[..i] : table;

    private static string Clip(string text, int width) => text.Length <= width ? text : text[..(width - 3)] + "...";
}
