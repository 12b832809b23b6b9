using System.Runtime.CompilerServices;
using KcrRuntime;
using Mono.Cecil;
using Weaver.Engine.Guards;
using Weaver.Engine.Memoize;
using Weaver.Engine.Purity;

namespace Weaver.Engine.Suggest;

/// <summary>
/// Finds the methods of a module that are safe and worth memoizing: the key builder's rules on arguments and result
/// (<see cref="MemoizeCandidates"/>), the purity analysis (<see cref="PurityAnalysis"/>), the rule that an array
/// result must be memory the method allocated (a cached copy of an alias would change what callers see), the cost
/// estimate, and, when a profile of an earlier run is given, which tables paid.
/// </summary>
public static class SuggestEngine
{
    /// <summary>How many candidates <c>--memoize auto</c> weaves at most.</summary>
    public const int DefaultLimit = 16;

    // The miss path's cost above the body: the key, the lookup that fails, the insert.
    private const double MissOverhead = 60;

    /// <summary>Analyses <paramref name="module"/>; <paramref name="profile"/> is an earlier run's profile, or null.</summary>
    public static SuggestReport Run(ModuleDefinition module, string assemblyPath, KcrProfile? profile, string? profilePath, int limit = DefaultLimit)
    {
        var purity = PurityAnalysis.Analyze(module);
        var suggested = new List<SuggestedMethod>();
        var rejected = new List<RejectedMethod>();
        int analysed = 0;
        foreach (var type in module.GetTypes())
            foreach (var method in type.Methods)
            {
                if (!method.HasBody) continue;
                analysed++;
                if (IsGenerated(method)) continue;
                var name = MemoizeCandidates.TableName(method);
                bool annotated = method.CustomAttributes.Any(a => a.AttributeType.FullName == MemoizeCandidates.AttributeName);
                var (candidate, reason, category) = Consider(method, purity, profile, annotated);
                if (candidate is not null) suggested.Add(candidate);
                else rejected.Add(new RejectedMethod(name, reason!, category!, annotated));
            }
        var ranked = Cover(module, suggested.OrderByDescending(s => s.ExpectedSavingPerCall).ThenBy(s => s.Method, StringComparer.Ordinal).ToList());
        int rank = 0;
        ranked = ranked.Select(s => s with { Selected = s.CoveredBy is null && rank++ < limit }).ToList();
        return new SuggestReport(assemblyPath, analysed, ranked, rejected.OrderBy(r => r.Method, StringComparer.Ordinal).ToList(), profilePath);
    }

    // A candidate called only from other candidates is covered by them: its work is reused when theirs is.
    private static List<SuggestedMethod> Cover(ModuleDefinition module, List<SuggestedMethod> ranked)
    {
        var byName = ranked.Select(s => s.Method).ToHashSet(StringComparer.Ordinal);
        var callers = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var caller in module.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody))
            foreach (var instruction in caller.Body.Instructions)
                if (instruction.Operand is MethodReference callee && callee.DeclaringType.Scope == module
                    && Resolve(callee) is { } target && target.Module == module)
                {
                    var name = MemoizeCandidates.TableName(target);
                    if (!byName.Contains(name)) continue;
                    if (!callers.TryGetValue(name, out var set)) callers[name] = set = new(StringComparer.Ordinal);
                    set.Add(MemoizeCandidates.TableName(caller));
                }
        return ranked.Select(s => callers.TryGetValue(s.Method, out var from) && from.Count > 0 && from.All(byName.Contains)
                                  && !from.Contains(s.Method)
            ? s with { CoveredBy = from.OrderBy(f => f, StringComparer.Ordinal).First() }
            : s).ToList();
    }

    private static MethodDefinition? Resolve(MethodReference method)
    {
        try { return method.Resolve(); }
        catch (AssemblyResolutionException) { return null; }
    }

    private static (SuggestedMethod? Candidate, string? Reason, string? Category) Consider(MethodDefinition method, PurityAnalysis purity,
        KcrProfile? profile, bool annotated)
    {
        var keys = new List<ArgumentKey>();
        var (code, shape) = MemoizeCandidates.Reject(method, keys);
        if (code is not null)
        {
            // An instance method on an immutable receiver is pure, but the key builder has no receiver to key on.
            if (method.HasThis && !method.IsConstructor && purity.Judge(method) is { Pure: true })
                return (null, "pure on an immutable receiver, but the key builder cannot key on a receiver", "shape");
            return (null, shape, "shape");
        }
        var verdict = purity.Judge(method);
        if (!verdict.Pure) return (null, verdict.Reason, "impure");
        if (method.ReturnType is ArrayType && purity.ResultMayAlias(method))
            return (null, "returns an array it may not have allocated (an argument or a static's), which a cached copy would stop aliasing", "impure");
        var tracked = StaticDependencies.Reads(method);
        foreach (var field in purity.MutableStaticsRead(method))
            if (!tracked.Contains(field))
                return (null, $"reads mutable static {field} through calls deeper than invalidation follows", "impure");
        var cost = InterimCostEstimate.Estimate(method, keys, purity);
        var name = MemoizeCandidates.TableName(method);
        var entry = profile?.Find(name);
        // A profile is the evidence: what it did not see run (not woven last time, or never called) is not woven now.
        if (profile is not null && entry is null)
            return (null, "no table in the profile (not woven or never called in the profiled run)", "profile");
        if (entry is not null && !entry.Paid)
            return (null, $"did not pay in the profiled run ({entry.State}, {entry.Hits} hits of {entry.Calls} calls, hit rate {entry.HitRate:0.00})", "profile");
        if (cost.LikelyUnprofitable && entry is not { Paid: true })
            return (null, $"likely cheaper than a cache hit ({cost.Reason})", "cost");
        double? rate = entry?.HitRate;
        // The profiled run measured the body: it replaces the static estimate of what a hit saves.
        if (entry?.BodyNanoseconds is { } body)
            cost = cost with { BodyNanoseconds = body, Reason = $"measured body ≈{body:0} ns vs ≈{cost.HitNanoseconds:0} ns hit" };
        double saving = rate is { } r ? r * cost.SavingPerHit - (1 - r) * MissOverhead : cost.SavingPerHit;
        var kinds = method.Parameters.Select(p => Short(p.ParameterType)).ToList();
        return (new SuggestedMethod(name, kinds, cost, rate, saving, entry?.Paid, annotated), null, null);
    }

    // Compiler-generated helpers (lambdas, state machines, local functions' closures) are reached through their callers.
    private static bool IsGenerated(MethodDefinition method) =>
        method.Name.Contains('<') || method.DeclaringType.Name.Contains('<')
        || method.CustomAttributes.Any(a => a.AttributeType.FullName == typeof(CompilerGeneratedAttribute).FullName)
        || method.DeclaringType.CustomAttributes.Any(a => a.AttributeType.FullName == typeof(CompilerGeneratedAttribute).FullName);

    private static string Short(TypeReference type) => GenericSubstitution.StripModifiers(type) switch
    {
        ArrayType a => Short(a.ElementType) + "[]",
        GenericInstanceType g => g.ElementType.Name.Split('`')[0] + "<" + string.Join(",", g.GenericArguments.Select(Short)) + ">",
        var t => t.MetadataType switch
        {
            MetadataType.Int32 => "int", MetadataType.Int64 => "long", MetadataType.String => "string", MetadataType.Byte => "byte",
            MetadataType.Boolean => "bool", MetadataType.Double => "double", MetadataType.UInt32 => "uint", MetadataType.UInt64 => "ulong",
            MetadataType.Char => "char", MetadataType.Int16 => "short", MetadataType.UInt16 => "ushort", MetadataType.Single => "float",
            _ => t.Name,
        },
    };
}
