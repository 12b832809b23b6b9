using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace GuardRuntime.Verification;

/// <summary>
/// The stores the weaver leaves without an address check, re-proved here from the IL alone (nothing of the weaver's
/// analysis is trusted): the address must be pushed by the instruction right before the value, with no entry between,
/// and be either the frame's own (<c>ldloca</c>, <c>ldarga</c>) or a local whose every assignment is a formation
/// check of the struct the stored field belongs to (<c>dup; sizeof T; conv.u; CHECK(StoreAddress); stloc L</c>) and
/// whose address is never taken. A struct field store keeps its field's check; a <c>stind</c>/<c>stobj</c>/
/// <c>initobj</c> to the frame keeps none, as <c>stloc</c> has none.
/// </summary>
internal sealed partial class MethodVerifier
{
    // Per local: the sizeof token of its formation checks, 0 when it has none yet, -1 when it does not qualify.
    private int[] formed = new int[64];
    private bool formationsAllowed, frameStore;

    // Before the main pass (a store may come before an assignment in IL order, in a loop): which locals qualify.
    // Without localsinit a pointer local starts as whatever the stack held: no local qualifies then.
    private void FindFormations(bool localsInitialized)
    {
        Array.Clear(formed);
        formationsAllowed = localsInitialized;
        for (int k = 0; k < il.Count; k++)
        {
            if (il.Op[k] == ILOpCode.Ldloca) Formed(il.Arg[k], -1);
            if (il.Op[k] != ILOpCode.Stloc) continue;
            int s = Check(k - 1, AbiOp.StoreAddress);
            if (s < 0 || !Is(s - 1, ILOpCode.Conv_u) || !Is(s - 2, ILOpCode.Sizeof) || !Is(s - 3, ILOpCode.Dup))
            {
                Formed(il.Arg[k], -1);
                continue;
            }
            Expect(s + 3, TargetKind.Address, "*", null);
            Gap(s - 3, k);
            int size = il.Arg[s - 2], known = Formed(il.Arg[k], 0);
            Formed(il.Arg[k], known == 0 || known > 0 && SameType(known, size) ? size : -1);
        }
    }

    private int Formed(int local, int value)
    {
        if (local >= formed.Length) Array.Resize(ref formed, Math.Max(local + 1, formed.Length * 2));
        if (value != 0 && formed[local] != -1) formed[local] = value;
        return formed[local];
    }

    // stfld F of struct S: ldnull; CHECK(StoreField F); ldloca | ldarga | ldloc L (formed as S); ldloc v; stfld
    private int EliminatedField(int k, FieldFacts field)
    {
        int e = FirstPrefix(k) - 1;
        if (!Is(e, ILOpCode.Ldloc) || !OwnAddress(e - 1, MetadataTokens.GetToken(field.Parent))) return -1;
        int s = Check(e - 2, AbiOp.StoreField);
        if (s < 0 || !Expect(s + 3, TargetKind.InstanceField, field.Name, field.Assembly)) return -1;
        return Is(s - 1, ILOpCode.Ldnull) ? s - 1 : -1;
    }

    // stind/stobj to the frame: ldloca | ldarga; ldloc v; store.  initobj: ldloca | ldarga; initobj
    private int FrameStore(int k, bool hasValue)
    {
        int a = FirstPrefix(k) - 1;
        if (a != k - 1) return -1; // no prefixes on an unguarded store
        if (hasValue && !Is(a--, ILOpCode.Ldloc)) return -1;
        frameStore = Is(a, ILOpCode.Ldloca) || Is(a, ILOpCode.Ldarga);
        return frameStore ? a : -1;
    }

    private bool OwnAddress(int i, int structToken) =>
        Is(i, ILOpCode.Ldloca) || Is(i, ILOpCode.Ldarga)
        || formationsAllowed && Is(i, ILOpCode.Ldloc) && il.Arg[i] < formed.Length && formed[il.Arg[i]] > 0
           && SameType(formed[il.Arg[i]], structToken);
}
