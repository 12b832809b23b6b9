using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Weaver.Engine.Guards.Elimination;

/// <summary>What the analysis decided for one store: the reason and the instruction that pushed its address.</summary>
internal readonly record struct Elimination(EliminationReason Reason, Instruction Address);

/// <summary>
/// Decides, for the stores of one method body (macros simplified, nothing rewritten yet), which need less than the
/// full guard and why. Sound only in the shapes the verifier re-proves: the address must be pushed by one
/// instruction the rewriter can push again right before the value (it pops the original), so the verifier sees
/// <c>ldloca|ldarga|ldloc L; ldloc v; store</c>.
/// </summary>
internal sealed class StoreEliminations
{
    private readonly Dictionary<Instruction, Elimination> decided = [];
    private readonly Dictionary<VariableDefinition, TypeReference> formationLocals = [];

    /// <summary>The stores with a reason, keyed by the store instruction.</summary>
    public IReadOnlyDictionary<Instruction, Elimination> Decided => decided;

    /// <summary>The byref and pointer locals whose assignments get a formation check, with the extent's type.</summary>
    public IReadOnlyDictionary<VariableDefinition, TypeReference> FormationLocals => formationLocals;

    /// <summary>
    /// Addresses kept on the stack for several struct field stores (<c>ldelema; dup; ...; stfld; dup; ...</c>): each
    /// gets a fresh local, checked once where the address is formed; the stores read the local.
    /// </summary>
    public IReadOnlyDictionary<Instruction, (VariableDefinition Local, TypeReference Referent, Instruction Reload)> Roots => roots;

    private readonly Dictionary<Instruction, (VariableDefinition, TypeReference, Instruction)> roots = [];

    public StoreEliminations(MethodDefinition method, IReadOnlyList<Instruction> stores, Func<TypeReference, bool> isValueType)
    {
        var body = method.Body;
        var entries = StackProducer.Entries(body);
        var shared = new Dictionary<Instruction, List<Instruction>>();
        var addressTaken = body.Instructions.Where(i => i.OpCode.Code == Code.Ldloca).Select(i => i.Operand)
            .OfType<VariableDefinition>().ToHashSet();
        foreach (var store in stores)
        {
            int depth;
            switch (store.OpCode.Code)
            {
                case Code.Stfld or Code.Stind_I or Code.Stind_I1 or Code.Stind_I2 or Code.Stind_I4 or Code.Stind_I8
                    or Code.Stind_R4 or Code.Stind_R8 or Code.Stind_Ref or Code.Stobj:
                    depth = 1; break;
                case Code.Initobj: depth = 0; break;
                default: continue;
            }
            if (store.Previous?.OpCode.OpCodeType == OpCodeType.Prefix || entries.Contains(store)) continue;
            var field = store.Operand as FieldReference;
            if (field is not null && !isValueType(field.DeclaringType)) continue; // an object's field: no address check
            if (StackProducer.Of(store, depth, entries) is not { } address) continue;
            if (address.OpCode.Code is Code.Ldloca or Code.Ldarga)
                decided[store] = new(EliminationReason.Stack, address);
            // Without localsinit a pointer local starts as stale stack contents; the verifier refuses the form then.
            else if (field is not null && body.InitLocals && address.OpCode.Code == Code.Ldloc && address.Operand is VariableDefinition local
                     && !addressTaken.Contains(local) && ReferentOf(local) is { } referent
                     && SameType(referent, field.DeclaringType) && !Assigned(local, address, store))
            {
                decided[store] = new(EliminationReason.Formation, address);
                formationLocals[local] = referent;
            }
            else if (field is not null && body.InitLocals && address.OpCode.Code != Code.Ldloc)
            {
                if (!shared.TryGetValue(address, out var list)) shared[address] = list = [];
                list.Add(store);
            }
        }
        // One formation check instead of an address check per store pays only from the second store on; and every
        // store must write a field of the one struct the check covers (else the extent would not contain it).
        foreach (var (root, users) in shared)
        {
            var referent = ((FieldReference)users[0].Operand).DeclaringType;
            if (users.Count < 2 || users.Any(u => !SameType(((FieldReference)u.Operand).DeclaringType, referent))) continue;
            var local = new VariableDefinition(new ByReferenceType(referent));
            body.Variables.Add(local);
            var reload = Instruction.Create(OpCodes.Ldloc, local);
            roots[root] = (local, referent, reload);
            foreach (var store in users) decided[store] = new(EliminationReason.Formation, reload);
        }
    }

    // The type a byref or pointer local points to.
    private static TypeReference? ReferentOf(VariableDefinition local) =>
        GenericSubstitution.StripModifiers(local.VariableType) switch
        {
            ByReferenceType r => GenericSubstitution.StripModifiers(r.ElementType),
            PointerType p => GenericSubstitution.StripModifiers(p.ElementType),
            _ => null,
        };

    private static bool SameType(TypeReference a, TypeReference b) =>
        a.FullName == b.FullName && a.Scope?.Name == b.Scope?.Name;

    // Whether the value code between the address push and the store assigns the local (the re-push must see the same).
    private static bool Assigned(VariableDefinition local, Instruction from, Instruction to)
    {
        for (var i = from.Next; i is not null && i != to; i = i.Next)
            if (i.OpCode.Code == Code.Stloc && i.Operand == local) return true;
        return false;
    }
}
