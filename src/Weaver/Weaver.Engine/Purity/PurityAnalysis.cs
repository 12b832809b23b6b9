using GuardRuntime.Effects;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Memoize;

namespace Weaver.Engine.Purity;

/// <summary>The purity verdict on one method: pure, or the first reason it is not.</summary>
public sealed record PurityVerdict(bool Pure, string? Reason);

/// <summary>
/// The purity and effects analysis of a module: a summary of every method (<see cref="BodyInterpreter"/>), computed
/// to a fixpoint over the module's call graph (recursion starts optimistic and is iterated until nothing changes),
/// then a verdict per method. A method is pure when it (and every module callee) writes no static and nothing
/// reachable from its arguments, calls only reviewed pure framework members (<see cref="FrameworkPurity"/>), makes no
/// call whose target is unknown, does not depend on object identity, and reads only statics whose value is tracked
/// (module-private mutable statics, which the memo invalidates on every store) or frozen (read-only statics whose
/// contents no method of the module writes or lets escape, and code outside cannot reach).
/// </summary>
public sealed class PurityAnalysis
{
    private const int MaxRecomputations = 40;

    private readonly Dictionary<MethodDefinition, MethodSummary> summaries = [];
    private readonly HashSet<FieldDefinition> leaked = [];
    private readonly Dictionary<FieldDefinition, MethodDefinition> leakedBy = [];

    private PurityAnalysis() { }

    /// <summary>Analyses every method of <paramref name="module"/>.</summary>
    public static PurityAnalysis Analyze(ModuleDefinition module) => Analyze(module, EffectModel.Framework);

    internal static PurityAnalysis Analyze(ModuleDefinition module, EffectModel model)
    {
        var analysis = new PurityAnalysis();
        var methods = module.GetTypes().SelectMany(t => t.Methods).ToList();
        var callers = new Dictionary<MethodDefinition, List<MethodDefinition>>();
        foreach (var caller in methods.Where(m => m.HasBody))
            foreach (var instruction in caller.Body.Instructions)
                if (instruction.Operand is MethodReference callee && Local(callee, module) is { } target)
                {
                    if (!callers.TryGetValue(target, out var list)) callers[target] = list = [];
                    list.Add(caller);
                }

        var work = new Queue<MethodDefinition>(methods);
        var queued = new HashSet<MethodDefinition>(methods);
        var counts = new Dictionary<MethodDefinition, int>();
        MethodSummary Current(MethodDefinition m) => analysis.summaries.GetValueOrDefault(m) ?? MethodSummary.Bottom;
        while (work.Count > 0)
        {
            var method = work.Dequeue();
            queued.Remove(method);
            int count = counts[method] = counts.GetValueOrDefault(method) + 1;
            var summary = count > MaxRecomputations
                ? Current(method) with { Impurity = "has a call graph the analysis did not settle in time" }
                : BodyInterpreter.Summarise(method, Current, model);
            if (analysis.summaries.TryGetValue(method, out var old) && old.SameAs(summary)) continue;
            analysis.summaries[method] = summary;
            if (count > MaxRecomputations) continue;
            foreach (var caller in callers.GetValueOrDefault(method) ?? [])
                if (queued.Add(caller)) work.Enqueue(caller);
        }

        foreach (var (method, summary) in analysis.summaries)
            foreach (var field in summary.LeaksStatics)
                if (analysis.leaked.Add(field)) analysis.leakedBy[field] = method;
        return analysis;
    }

    /// <summary>The summary of a module method.</summary>
    internal MethodSummary Summary(MethodDefinition method) => summaries.GetValueOrDefault(method) ?? MethodSummary.Bottom;

    /// <summary>Instructions of the method and of every module method it may call, a size for the cost estimate.</summary>
    public int ReachableInstructions(MethodDefinition method)
    {
        var seen = new HashSet<MethodDefinition> { method };
        var queue = new Queue<MethodDefinition>([method]);
        int total = 0;
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            if (!current.HasBody) continue;
            total += current.Body.Instructions.Count;
            foreach (var instruction in current.Body.Instructions)
                if (instruction.Operand is MethodReference callee && Local(callee, method.Module) is { } target && seen.Add(target))
                    queue.Enqueue(target);
        }
        return total;
    }

    /// <summary>Whether the method (or a module callee) loops or recurses.</summary>
    public bool Loops(MethodDefinition method) => Summary(method).Loops;

    /// <summary>The module-private mutable statics the method reads, by field identity, for invalidation.</summary>
    public IReadOnlyCollection<string> MutableStaticsRead(MethodDefinition method) =>
        Summary(method).ReadsMutableStatics.Select(f => f.FullName).ToList();

    /// <summary>Whether <paramref name="method"/> is pure, or the first reason it is not.</summary>
    public PurityVerdict Judge(MethodDefinition method)
    {
        var summary = Summary(method);
        if (summary.Impurity is { } why) return new(false, why);
        if (summary.WritesParameters != 0)
        {
            int index = System.Numerics.BitOperations.TrailingZeroCount(summary.WritesParameters);
            string name = method.HasThis ? (index == 0 ? "this" : method.Parameters[index - 1].Name) : method.Parameters[index].Name;
            return new(false, $"writes through its argument '{name}'");
        }
        foreach (var field in summary.ReadsStaticContents.OrderBy(f => f.FullName, StringComparer.Ordinal))
        {
            if (IsImmutableValue(field.FieldType)) continue;
            string name = $"{field.DeclaringType.Name}.{field.Name}";
            if (IsVisibleOutside(field))
                return new(false, $"reads the contents of public static {name}, which code outside the module can change");
            if (leaked.Contains(field))
                return new(false, $"reads the contents of static {name}, which {BodyInterpreter.Name(leakedBy[field])} writes or lets escape");
        }
        if (method.HasThis && !MemoizableTypes.IsSupportedResult(method.DeclaringType, out _))
            return new(false, $"reads its receiver, a {method.DeclaringType.Name} the analysis cannot prove immutable");
        return new(true, null);
    }

    /// <summary>Whether a result of the method may alias memory it did not allocate (an argument, a static).</summary>
    public bool ResultMayAlias(MethodDefinition method) => !Summary(method).Returns.OnlyFresh;

    private static bool IsImmutableValue(TypeReference type) =>
        type is not ArrayType && MemoizableTypes.IsSupportedResult(type, out _);

    private static bool IsVisibleOutside(FieldDefinition field)
    {
        if (!(field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly)) return false;
        for (var type = field.DeclaringType; type is not null; type = type.DeclaringType)
            if (!(type.IsPublic || type.IsNestedPublic || type.IsNestedFamily || type.IsNestedFamilyOrAssembly)) return false;
        return true;
    }

    private static MethodDefinition? Local(MethodReference callee, ModuleDefinition module)
    {
        var element = callee.GetElementMethod();
        if (element is MethodDefinition definition) return definition.Module == module ? definition : null;
        if (element.DeclaringType.GetElementType().Scope != module) return null;
        try { return element.Resolve(); }
        catch (AssemblyResolutionException) { return null; }
    }
}
