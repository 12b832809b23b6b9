using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Weaver.Engine.Inspection;

/// <summary>
/// How the inspector reads one woven store: the checks in front of it, or the reason it needs none. The shapes are
/// the weaver's (GuardSequence); the load-time verifier proves the same ones independently.
/// </summary>
internal static class StoreReasons
{
    /// <summary>
    /// The checks guarding <paramref name="store"/> (e.g. <c>StoreAddress+StoreField</c>) or null, and the reason an
    /// address check is absent (<c>stack</c>, <c>checked-at-formation</c>) or null.
    /// </summary>
    public static (string? Checks, string? Reason) Classify(Instruction store, ISet<VariableDefinition> formed)
    {
        var p = store.Previous;
        while (p is not null && p.OpCode.OpCodeType == OpCodeType.Prefix) p = p.Previous;
        // Frame stores: ldloca|ldarga; [ldloc v]; store (a struct field store has its field check before the address).
        var address = store.OpCode.Code == Code.Initobj ? p : IsLoadLocal(p) ? p!.Previous : null;
        if (address is not null && (IsFrameAddress(address) || store.OpCode.Code == Code.Stfld && IsLoadLocal(address)
                && address.Operand is VariableDefinition l && formed.Contains(l)))
        {
            string reason = IsFrameAddress(address) ? "stack" : "checked-at-formation";
            if (store.OpCode.Code != Code.Stfld) return (null, reason);
            return CheckBefore(address) is { Name: "StoreField" } ? ("StoreField", reason) : (null, null);
        }
        // Guarded: call Guard::Store*; [ldloc ...up to 2]; [prefixes]; store.
        for (int reloads = 0; p is not null && reloads < 2 && IsLoadLocal(p); reloads++) p = p.Previous;
        if (CheckOf(p) is not { } last) return (null, null);
        // A struct field: StoreAddress; ldnull; StoreField.
        if (last.Name == "StoreField" && Back(p, 4)?.OpCode.Code == Code.Ldnull && CheckOf(Back(p, 5)) is { Name: "StoreAddress" })
            return ("StoreAddress+StoreField", null);
        return (last.Name, null);
    }

    /// <summary>Whether <paramref name="instruction"/> is a formation check's <c>stloc</c> of a local in <paramref name="formed"/>.</summary>
    public static bool IsFormation(Instruction instruction, ISet<VariableDefinition> formed) =>
        IsStoreLocal(instruction) && Local(instruction) is { } l && formed.Contains(l);

    /// <summary>Locals whose every assignment follows a <c>StoreAddress</c> check and whose address is never taken.</summary>
    public static HashSet<VariableDefinition> FormedLocals(MethodBody body)
    {
        var formed = new HashSet<VariableDefinition>();
        var spoiled = new HashSet<VariableDefinition>();
        foreach (var i in body.Instructions)
        {
            if (i.OpCode.Code is Code.Ldloca or Code.Ldloca_S && i.Operand is VariableDefinition taken) spoiled.Add(taken);
            if (!IsStoreLocal(i) || Local(i) is not { } l) continue;
            if (CheckOf(i.Previous) is { Name: "StoreAddress" }) formed.Add(l);
            else spoiled.Add(l);
        }
        formed.ExceptWith(spoiled);
        return formed;
    }

    // The call before 'address' in "ldnull; ldc; ldc; handle; call StoreField; address".
    private static MethodReference? CheckBefore(Instruction address) =>
        address.Previous?.Previous?.Previous?.Previous?.Previous?.OpCode.Code == Code.Ldnull ? CheckOf(address.Previous) : null;

    private static MethodReference? CheckOf(Instruction? i) =>
        i is { OpCode.Code: Code.Call, Operand: MethodReference { DeclaringType: { Namespace: "GuardRuntime", Name: "Guard" } } m }
        && m.Name.StartsWith("Store", StringComparison.Ordinal) ? m : null;

    private static Instruction? Back(Instruction? i, int n)
    {
        for (; i is not null && n > 0; n--) i = i.Previous;
        return i;
    }

    private static bool IsFrameAddress(Instruction i) => i.OpCode.Code is Code.Ldloca or Code.Ldloca_S or Code.Ldarga or Code.Ldarga_S;

    private static bool IsLoadLocal(Instruction? i) =>
        i?.OpCode.Code is Code.Ldloc or Code.Ldloc_S or Code.Ldloc_0 or Code.Ldloc_1 or Code.Ldloc_2 or Code.Ldloc_3;

    private static bool IsStoreLocal(Instruction i) =>
        i.OpCode.Code is Code.Stloc or Code.Stloc_S or Code.Stloc_0 or Code.Stloc_1 or Code.Stloc_2 or Code.Stloc_3;

    // The inspector reads bodies with macros expanded, so every local instruction names its variable.
    private static VariableDefinition? Local(Instruction i) => i.Operand as VariableDefinition;
}
