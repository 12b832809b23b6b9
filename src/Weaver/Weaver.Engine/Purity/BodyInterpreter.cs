using System.Collections.Immutable;
using GuardRuntime.Effects;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Weaver.Engine.Purity;

/// <summary>
/// Summarises one method body by abstract interpretation: every stack slot and local carries where it may point
/// (<see cref="Provenance"/>), and every store, call and comparison is judged by the provenance of what it touches.
/// Locals and the contents of fresh memory are flow-insensitive (one provenance per local, one for everything the
/// method stores into memory it allocated), iterated to a fixpoint; the evaluation stack follows the IL, merged at
/// forward branch targets. A stack that is not empty at a backward branch, or heights that disagree at a merge, make
/// the method impure (the shape is not one the analysis follows) rather than guessed at.
/// </summary>
internal sealed partial class BodyInterpreter
{
    private const int MaxPasses = 12;
    private const int MaxReason = 400;

    private readonly MethodDefinition method;
    private readonly Func<MethodDefinition, MethodSummary> callees;
    private readonly EffectModel model;
    private readonly Provenance[] locals;
    private Provenance freshContents = Provenance.None;
    private Provenance returns = Provenance.None;
    private ulong writesParameters;
    private ImmutableHashSet<FieldDefinition> readsMutable = [];
    private ImmutableHashSet<FieldDefinition> leaks = [];
    private ImmutableHashSet<FieldDefinition> readsContents = [];
    private bool loops;
    private (int Offset, string Reason)? impurity;
    private List<AbstractValue> stack = [];
    private TypeReference? constrained;

    private BodyInterpreter(MethodDefinition method, Func<MethodDefinition, MethodSummary> callees, EffectModel model)
    {
        this.method = method;
        this.callees = callees;
        this.model = model;
        locals = new Provenance[method.Body.Variables.Count];
        Array.Fill(locals, Provenance.None);
    }

    /// <summary>The summary of <paramref name="method"/> given the current summaries of its module callees.</summary>
    public static MethodSummary Summarise(MethodDefinition method, Func<MethodDefinition, MethodSummary> callees, EffectModel model)
    {
        if (!method.HasBody)
            return new MethodSummary { Impurity = "has no IL body (abstract, extern or runtime-implemented)" };
        var interpreter = new BodyInterpreter(method, callees, model);
        interpreter.Run();
        return interpreter.Result();
    }

    private void Run()
    {
        for (int pass = 0; pass < MaxPasses; pass++)
        {
            var before = (locals.ToArray(), freshContents, returns);
            impurity = null;
            Walk();
            bool same = before.freshContents.SameAs(freshContents) && before.returns.SameAs(returns)
                        && before.Item1.Zip(locals).All(p => p.First.SameAs(p.Second));
            if (same) return;
        }
        Impure(0, "has a data flow the analysis did not settle in time");
    }

    private void Walk()
    {
        var body = method.Body;
        var pending = new Dictionary<Instruction, List<AbstractValue>>();
        var visited = new HashSet<Instruction>();
        var handlers = new Dictionary<Instruction, bool>();
        foreach (var handler in body.ExceptionHandlers)
        {
            handlers[handler.HandlerStart] = handler.HandlerType is ExceptionHandlerType.Catch or ExceptionHandlerType.Filter;
            if (handler.FilterStart is { } filter) handlers[filter] = true;
        }
        bool reachable = true;
        stack = [];
        foreach (var instruction in body.Instructions)
        {
            if (handlers.TryGetValue(instruction, out var pushesException))
                stack = pushesException ? [new AbstractValue(Provenance.UnknownOnly, null)] : [];
            else if (pending.Remove(instruction, out var saved))
                stack = reachable ? Merge(instruction, stack, saved) : saved;
            else if (!reachable)
                stack = []; // reached only by a later backward branch, where the stack must be empty
            reachable = true;
            visited.Add(instruction);
            Execute(instruction);
            foreach (var target in Targets(instruction))
            {
                if (visited.Contains(target))
                {
                    loops = true;
                    if (stack.Count > 0) Impure(instruction.Offset, "branches backward with values on the stack, a shape the analysis does not follow");
                }
                else pending[target] = pending.TryGetValue(target, out var other) ? Merge(target, other, stack) : [.. stack];
            }
            if (EndsBlock(instruction.OpCode)) reachable = false;
        }
    }

    private List<AbstractValue> Merge(Instruction at, List<AbstractValue> a, List<AbstractValue> b)
    {
        if (a.Count != b.Count)
        {
            Impure(at.Offset, "reaches an instruction with stacks of different heights");
            return a.Count < b.Count ? [.. a] : [.. b];
        }
        return a.Zip(b, (x, y) => new AbstractValue(x.Points.Join(y.Points), x.Type ?? y.Type, x.IsNull && y.IsNull)).ToList();
    }

    private static IEnumerable<Instruction> Targets(Instruction instruction) => instruction.Operand switch
    {
        Instruction target when instruction.OpCode.FlowControl is FlowControl.Branch or FlowControl.Cond_Branch => [target],
        Instruction[] targets => targets,
        _ => [],
    };

    private static bool EndsBlock(OpCode opCode) =>
        opCode.FlowControl is FlowControl.Branch or FlowControl.Return or FlowControl.Throw
        || opCode.Code is Code.Endfinally or Code.Endfilter or Code.Jmp;

    private MethodSummary Result()
    {
        bool visible = method.IsVirtual || IsVisibleOutside(method);
        // A static's memory handed to code outside the module (by a public method's result) can be written there.
        if (visible) leaks = leaks.Union(returns.Statics);
        return new MethodSummary
        {
            Impurity = impurity is { } found ? Clip($"{found.Reason} (IL_{found.Offset:x4} in {Name(method)})") : null,
            WritesParameters = writesParameters,
            Returns = returns,
            FreshContents = freshContents,
            ReadsMutableStatics = readsMutable,
            LeaksStatics = leaks,
            ReadsStaticContents = readsContents,
            Instructions = method.Body.Instructions.Count,
            Loops = loops,
        };
    }

    private void Impure(int offset, string reason)
    {
        if (impurity is null || offset < impurity.Value.Offset) impurity = (offset, reason);
    }

    internal static bool IsVisibleOutside(MethodDefinition method)
    {
        if (!(method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly)) return false;
        for (var type = method.DeclaringType; type is not null; type = type.DeclaringType)
            if (!(type.IsPublic || type.IsNestedPublic || type.IsNestedFamily || type.IsNestedFamilyOrAssembly)) return false;
        return true;
    }

    internal static string Name(MethodReference method) => $"{method.DeclaringType.Name}.{method.Name}";

    private static string Clip(string text) => text.Length <= MaxReason ? text : text[..(MaxReason - 3)] + "...";
}
