using Mono.Cecil;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Guards;
using Weaver.Engine.Memoize;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// Memoizes the methods marked <c>[KcrRuntime.Memoize]</c> or named in <see cref="WeaveOptions.Memoize"/> through the KCR
/// runtime (<c>src/KcrRuntime/README.md</c>): checks each (<see cref="MemoizeCandidates"/>), finds the static fields it
/// reads (<see cref="StaticDependencies"/>), replaces its body by the memo wrapper (<see cref="WrapperBuilder"/>) and
/// invalidates its table after every store to those fields anywhere in the module. Runs before <see cref="GuardStep"/>,
/// so the guard step sees (and guards) the woven code like any other; it works the same with guards off.
/// </summary>
public sealed class MemoizeStep : IWeaveStep
{
    /// <inheritdoc/>
    public void Run(WeaveContext context)
    {
        var rejections = new List<WeaverDiagnostic>();
        var candidates = MemoizeCandidates.Select(context, rejections);
        // Every rejection is reported; the accepted candidates are still memoized, so the later steps see (and
        // report problems in) the module as it would be woven.
        foreach (var d in rejections) context.Add(d);
        if (Suggest.AutoMemoize.Requested(context.Options)) candidates.AddRange(Suggest.AutoMemoize.Select(context, candidates));
        if (candidates.Count == 0) return;

        // Dependencies are read from the original bodies, before they move.
        var dependencies = candidates.ToDictionary(c => c, c => StaticDependencies.Reads(c.Method));
        var abi = new KcrAbi(context.Module);
        var builder = new WrapperBuilder(abi);
        var wrappers = new HashSet<MethodDefinition>();
        var dependents = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var candidate in candidates)
        {
            var fields = dependencies[candidate];
            try
            {
                builder.Wrap(candidate, fields);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The candidate passed every check of MemoizeCandidates, so a failure here is the weaver's own.
                context.Add(WeavePipeline.InternalError(context, "the memoizer, wrapping " + candidate.TableName, e));
                continue;
            }
            wrappers.Add(candidate.Method);
            foreach (var field in fields)
            {
                if (!dependents.TryGetValue(field, out var list)) dependents[field] = list = [];
                list.Add(candidate.TableName);
            }
            context.Report.Memoized.Add(candidate.TableName);
            var (file, line) = MemoizeCandidates.FirstLine(candidate.Method.DeclaringType.Methods.First(m => m.Name == candidate.Method.Name + WrapperBuilder.OriginalSuffix
                && m.Parameters.Count == candidate.Method.Parameters.Count));
            context.Add(new WeaverDiagnostic(DiagnosticCodes.Memoized, DiagnosticSeverity.Message,
                $"Memoized {candidate.TableName}" + (fields.Count == 0 ? "; it reads no mutable static field." : $"; invalidated by stores to {string.Join(", ", fields)}."),
                file ?? context.Options.InputPath, line));
        }

        if (dependents.Count > 0)
        {
            int inserted = StaticDependencies.InsertInvalidations(context, abi, dependents, wrappers);
            if (inserted > 0)
                context.Add(DiagnosticCodes.Memoized, DiagnosticSeverity.Message,
                    $"Inserted {inserted} cache invalidation(s) after stores to static fields that memoized methods read.");
        }
    }
}
