using KcrRuntime;
using Mono.Cecil;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Memoize;
using Weaver.Engine.Pipeline;

namespace Weaver.Engine.Suggest;

/// <summary>
/// <c>--memoize auto</c>: memoizes the top candidates of <see cref="SuggestEngine"/> besides the methods a person named,
/// with the attribute defaults (so each still learns determinism before anything is served). With
/// <see cref="WeaveOptions.MemoizeProfile"/>, only the tables that paid in the profiled run are woven again, ranked by
/// their observed repeat rate and measured body time, like profile-guided optimisation.
/// </summary>
internal static class AutoMemoize
{
    /// <summary>The <c>--memoize</c> value that asks for automatic selection.</summary>
    public const string Keyword = "auto";

    public static bool Requested(WeaveOptions options) => options.Memoize.Contains(Keyword, StringComparer.Ordinal);

    /// <summary>The candidates to add to <paramref name="chosen"/> (methods already chosen are not repeated).</summary>
    public static List<MemoizeCandidate> Select(WeaveContext context, IReadOnlyCollection<MemoizeCandidate> chosen)
    {
        KcrProfile? profile = null;
        if (context.Options.MemoizeProfile is { } path)
        {
            var problems = new List<WeaverDiagnostic>();
            profile = SuggestRunner.LoadProfile(path, problems);
            foreach (var problem in problems) context.Add(problem);
            if (profile is null) return [];
        }
        var report = SuggestEngine.Run(context.Module, context.Options.InputPath, profile, context.Options.MemoizeProfile, context.Options.MemoizeAutoLimit);
        var taken = chosen.Select(c => c.Method).ToHashSet();
        var byName = context.Module.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody)
            .GroupBy(MemoizeCandidates.TableName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var added = new List<MemoizeCandidate>();
        foreach (var suggestion in report.Suggested.Where(s => s.Selected))
        {
            if (!byName.TryGetValue(suggestion.Method, out var method) || !taken.Add(method)) continue;
            var keys = new List<ArgumentKey>();
            if (MemoizeCandidates.Reject(method, keys).Code is not null) continue; // the engine checked; never weave a rejected shape
            added.Add(new MemoizeCandidate(method, keys, -1, -1, -1, -1, -1, -1)); // the attribute's defaults
            var (file, line) = MemoizeCandidates.FirstLine(method);
            var repeat = suggestion.RepeatRate is { } r ? $", repeat rate {r:P0} in the profile" : "";
            context.Add(new WeaverDiagnostic(DiagnosticCodes.AutoMemoized, DiagnosticSeverity.Message,
                $"--memoize auto chose {suggestion.Method}: ≈{suggestion.ExpectedSavingPerCall:0} ns saved per call ({suggestion.Cost.Reason}{repeat}).",
                file ?? context.Options.InputPath, line));
        }
        return added;
    }
}
