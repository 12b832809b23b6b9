using Weaver.Engine.Diagnostics;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// Closes a failed weave with one error (WVR0012) that groups every error of the run by what it refuses, most sites
/// first: "<c>System.Type::MakeGenericType — 29 sites — first at Foo.cs(12): Ns.T::M at IL_001a</c>". A library may
/// have hundreds of refusals; the per-site errors say where each one is, the summary says what to look at first.
/// </summary>
internal static class RefusalSummary
{
    /// <summary>At most this many groups are listed; the rest are counted.</summary>
    public const int MaxGroups = 40;

    /// <summary>The summary of <paramref name="diagnostics"/>, or null when fewer than two errors need one.</summary>
    public static WeaverDiagnostic? Build(string inputPath, IReadOnlyList<WeaverDiagnostic> diagnostics)
    {
        // An internal error is the weaver's own and is reported as such, never counted among the input's problems.
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error
            && d.Code is not (DiagnosticCodes.InternalError or DiagnosticCodes.GuardVerifierRejected)).ToList();
        if (errors.Count < 2) return null;
        var groups = errors
            .GroupBy(d => (d.Code, Key: d.Api ?? ""))
            .Select(g => (g.Key.Code, g.Key.Key, Count: g.Count(), First: g.First()))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Code, StringComparer.Ordinal).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        var lines = groups.Take(MaxGroups).Select(g =>
            $"  {g.Code} {(g.Key.Length > 0 ? g.Key : Describe(g.First))} — {g.Count} site{(g.Count == 1 ? "" : "s")} — first at {Where(g.First)}");
        var more = groups.Count > MaxGroups ? $"\n  ... and {groups.Count - MaxGroups} more group(s)" : "";
        bool crashed = diagnostics.Any(d => d.Code == DiagnosticCodes.InternalError);
        var name = Path.GetFileName(inputPath);
        var message = $"'{name}' was not woven: {errors.Count} error(s) in {groups.Count} group(s), by number of sites"
                      + (crashed ? " (the weaver also failed internally, WVR0099: that is a weaver bug, not counted here)" : "")
                      + ":\n" + string.Join("\n", lines) + more;
        return new WeaverDiagnostic(DiagnosticCodes.RefusalSummary, DiagnosticSeverity.Error, message, inputPath);
    }

    private static string Describe(WeaverDiagnostic d)
    {
        var text = d.Message;
        int cut = text.IndexOfAny(['.', ':']);
        return cut > 0 && cut < 100 ? text[..cut] : text.Length > 100 ? text[..100] + "..." : text;
    }

    private static string Where(WeaverDiagnostic d)
    {
        var file = d.File is null ? "" : Path.GetFileName(d.File) + (d.Line > 0 ? $"({d.Line})" : "");
        var site = d.Method is null ? "" : d.ILOffset >= 0 ? $"{d.Method} at IL_{d.ILOffset:x4}" : d.Method;
        return (file, site) switch
        {
            ("", "") => "(the module)",
            (_, "") => file,
            ("", _) => site,
            _ => $"{file}: {site}",
        };
    }
}
