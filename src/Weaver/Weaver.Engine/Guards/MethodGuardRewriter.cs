using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;
using Weaver.Engine.Guards.Elimination;
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
        // Decided on the original body, before any store is rewritten (the analysis walks the stack back from each).
        var eliminations = new StoreEliminations(method, stores,
            type => guard.IsValueType(type, method, stores[0].Offset));
        var formations = body.Instructions.Where(i => i.OpCode.Code == Code.Stloc && i.Operand is VariableDefinition l
            && eliminations.FormationLocals.ContainsKey(l)).ToList();
        // Shared addresses first (the root may itself be spliced below: its splice inserts right after it, so the
        // formation code stays behind whatever the root's own guard becomes).
        foreach (var (root, (local, referent, reload)) in eliminations.Roots)
        {
            var il = body.GetILProcessor();
            var after = root;
            foreach (var instruction in GuardSequence.Formation(guard, method, guard.OffsetOf(root),
                         Instruction.Create(OpCodes.Stloc, local), referent, lines).Append(reload))
            {
                il.InsertAfter(after, instruction);
                after = instruction;
            }
            guard.Report.CountElimination("formation-checks");
        }
        foreach (var store in stores)
        {
            var run = WithPrefixes(store);
            var elimination = eliminations.Decided.GetValueOrDefault(store);
            var sequence = new GuardSequence(guard, method, scratch, store, run[..^1], lines, elimination).Build();
            Splice(body.GetILProcessor(), run, sequence);
            // A store to the frame through ldloca/ldarga keeps no guard at all (a struct field store keeps its field's).
            if (elimination.Reason != EliminationReason.Stack || store.OpCode.Code == Code.Stfld)
                guard.Report.CountGuard(StoreOpcodes.ReportName(store.OpCode), methodName);
            if (elimination.Reason != EliminationReason.None)
                guard.Report.CountElimination(EliminationReasons.Name(elimination.Reason));
        }
        // Every assignment of a local whose stores lost their address check is checked where it is formed.
        foreach (var stloc in formations)
        {
            var local = (VariableDefinition)stloc.Operand;
            var sequence = GuardSequence.Formation(guard, method, guard.OffsetOf(stloc), stloc, eliminations.FormationLocals[local], lines);
            Splice(body.GetILProcessor(), [stloc], sequence);
            guard.Report.CountElimination("formation-checks");
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
