using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Weaver.Engine.Guards.Elimination;

/// <summary>
/// Finds the instruction that pushed an operand of a store, by walking back over straight-line code and undoing each
/// instruction's stack effect. Gives up (null) at any join point (branch target, handler boundary), any branch, any
/// instruction whose effect it cannot tell. An operand pushed by <c>dup</c> is the value <c>dup</c> copied, so the walk
/// goes on from there (compilers keep a <c>ref</c> local on the stack that way: <c>ldelema; dup; ...; stfld; ...</c>).
/// </summary>
internal static class StackProducer
{
    private const int MaxSteps = 64;

    /// <summary>The instruction that pushed the operand <paramref name="depth"/> slots below the top before <paramref name="at"/>.</summary>
    public static Instruction? Of(Instruction at, int depth, ISet<Instruction> entries)
    {
        int need = depth;
        var next = at;
        int steps = 0;
        for (var p = at.Previous; p is not null && steps++ < MaxSteps; next = p, p = p.Previous)
        {
            if (entries.Contains(next)) return null; // the stack at 'next' may come from elsewhere too
            if (p.OpCode.FlowControl is not (FlowControl.Next or FlowControl.Call)) return null;
            if (p.OpCode.OpCodeType == OpCodeType.Prefix) continue;
            if (Effect(p) is not var (pops, pushes)) return null;
            if (pushes > need) return p.OpCode.Code == Code.Dup ? Of(p, 0, entries) : pushes == 1 ? p : null;
            need = need - pushes + pops;
        }
        return null;
    }

    /// <summary>Branch targets and exception-handler boundaries of <paramref name="body"/>.</summary>
    public static HashSet<Instruction> Entries(MethodBody body)
    {
        var entries = new HashSet<Instruction>();
        foreach (var i in body.Instructions)
        {
            if (i.Operand is Instruction target) entries.Add(target);
            else if (i.Operand is Instruction[] targets) entries.UnionWith(targets);
        }
        foreach (var h in body.ExceptionHandlers)
            foreach (var boundary in new[] { h.TryStart, h.TryEnd, h.HandlerStart, h.HandlerEnd, h.FilterStart })
                if (boundary is not null) entries.Add(boundary);
        return entries;
    }

    private static (int Pops, int Pushes)? Effect(Instruction i)
    {
        int? pops = i.OpCode.StackBehaviourPop switch
        {
            StackBehaviour.Pop0 => 0,
            StackBehaviour.Pop1 or StackBehaviour.Popi or StackBehaviour.Popref => 1,
            StackBehaviour.Pop1_pop1 or StackBehaviour.Popi_pop1 or StackBehaviour.Popi_popi or StackBehaviour.Popi_popi8
                or StackBehaviour.Popi_popr4 or StackBehaviour.Popi_popr8 or StackBehaviour.Popref_pop1
                or StackBehaviour.Popref_popi => 2,
            StackBehaviour.Popi_popi_popi or StackBehaviour.Popref_popi_popi or StackBehaviour.Popref_popi_popi8
                or StackBehaviour.Popref_popi_popr4 or StackBehaviour.Popref_popi_popr8
                or StackBehaviour.Popref_popi_popref => 3,
            StackBehaviour.Varpop when i.OpCode.Code is Code.Call or Code.Callvirt or Code.Newobj
                && i.Operand is MethodReference m =>
                m.Parameters.Count + (m.HasThis && !m.ExplicitThis && i.OpCode.Code != Code.Newobj ? 1 : 0),
            _ => null,
        };
        int? pushes = i.OpCode.StackBehaviourPush switch
        {
            StackBehaviour.Push0 => 0,
            StackBehaviour.Push1 or StackBehaviour.Pushi or StackBehaviour.Pushi8 or StackBehaviour.Pushr4
                or StackBehaviour.Pushr8 or StackBehaviour.Pushref => 1,
            StackBehaviour.Push1_push1 => 2,
            StackBehaviour.Varpush when i.Operand is MethodReference m =>
                i.OpCode.Code == Code.Newobj || m.ReturnType.MetadataType != MetadataType.Void ? 1 : 0,
            _ => null,
        };
        return pops is { } a && pushes is { } b ? (a, b) : null;
    }
}
