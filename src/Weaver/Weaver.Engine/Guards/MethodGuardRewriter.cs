using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;
using Weaver.Engine.Pipeline;

namespace Weaver.Engine.Guards;

/// <summary>
/// Puts a guard in front of every store of one method body.
/// </summary>
/// <remarks>
/// The store instruction (with its prefixes) is rewritten in place: its <see cref="Instruction"/> objects become the
/// first instructions of the guard sequence and the rest is inserted after them. Every branch, <c>switch</c> arm,
/// exception-handler boundary and sequence point that pointed at the store therefore points at its guard, without
/// retargeting anything (the trap of <c>obj.f = c ? x : y</c>, whose branches jump to the <c>stfld</c> with values on
/// the stack). Operands already on the stack are spilled to fresh locals, checked, and reloaded; addresses are
/// spilled to byref locals so that a managed pointer stays GC-tracked across the call.
/// </remarks>
internal sealed class MethodGuardRewriter(GuardContext guard)
{
    /// <summary>Guards every enabled store of <paramref name="method"/>; returns how many.</summary>
    public int Rewrite(MethodDefinition method)
    {
        var body = method.Body;
        var stores = body.Instructions.Where(i => guard.Enabled(StoreOpcodes.Family(i))).ToList();
        if (stores.Count == 0) return 0;

        var lines = guard.LinesOf(method);
        var methodName = TypeNames.Method(method);
        body.SimplifyMacros();
        var scratch = new ScratchLocals(body);
        foreach (var store in stores)
        {
            var run = WithPrefixes(store);
            var sequence = new GuardSequence(guard, method, scratch, store, run[..^1], lines).Build();
            Splice(body.GetILProcessor(), run, sequence);
            guard.Report.CountGuard(StoreOpcodes.ReportName(store.OpCode), methodName);
        }
        body.OptimizeMacros();
        return stores.Count;
    }

    // A store's prefixes (volatile., unaligned.) are separate instructions in Cecil; a branch may target the first
    // prefix but never the store behind it, so the whole run is replaced together.
    internal static Instruction[] WithPrefixes(Instruction store)
    {
        var run = new List<Instruction> { store };
        for (var p = store.Previous; p is not null && p.OpCode.OpCodeType == OpCodeType.Prefix; p = p.Previous) run.Insert(0, p);
        return [.. run];
    }

    /// <summary>Makes <paramref name="run"/> the start of <paramref name="sequence"/> and inserts the rest after it.</summary>
    internal static void Splice(ILProcessor il, Instruction[] run, List<Instruction> sequence)
    {
        for (int i = 0; i < run.Length; i++)
        {
            run[i].OpCode = sequence[i].OpCode;
            run[i].Operand = sequence[i].Operand;
        }
        var after = run[^1];
        for (int i = run.Length; i < sequence.Count; i++)
        {
            il.InsertAfter(after, sequence[i]);
            after = sequence[i];
        }
    }
}

/// <summary>Temporary locals for spilled operands, one per type per method (guard sequences never nest).</summary>
internal sealed class ScratchLocals(MethodBody body)
{
    private readonly Dictionary<string, VariableDefinition> locals = new(StringComparer.Ordinal);

    public VariableDefinition Get(TypeReference type) => Get(type, 0);

    /// <summary>A local of <paramref name="type"/> distinct from the other slots, for spilling several operands of one type.</summary>
    public VariableDefinition Get(TypeReference type, int slot)
    {
        var key = slot + ":" + type.FullName;
        if (!locals.TryGetValue(key, out var local))
        {
            local = new VariableDefinition(type);
            body.Variables.Add(local);
            locals.Add(key, local);
        }
        return local;
    }
}
