using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace GuardRuntime.Verification;

/// <summary>
/// The canonical guard sequences, matched backwards from the guarded instruction. Each returns the index of the
/// sequence's first instruction, or -1 when the code in front of the instruction is not exactly the sequence. The
/// shapes are the ABI's (operands spilled, checked, reloaded): <c>ldc tid; ldc sid; handle; call Guard.X</c> ends
/// every check, where handle is <c>ldsfld &lt;WeaverGuard&gt;::Module</c> or a local assigned only from it.
/// </summary>
internal sealed partial class MethodVerifier
{
    private int tid, sid, handleLocal;

    private bool Is(int i, ILOpCode op) => i >= 0 && il.Op[i] == op;
    private bool Is(int i, ILOpCode op, int arg) => i >= 0 && il.Op[i] == op && il.Arg[i] == arg;

    // ldc tid; ldc sid; (ldsfld holder | ldloc h); call check
    private int Check(int end, AbiOp check)
    {
        if (end < 3 || il.Op[end] != ILOpCode.Call || index.OpOf(il.Arg[end]) != check) return -1;
        if (Is(end - 1, ILOpCode.Ldsfld, holderToken)) handleLocal = -1;
        else if (Is(end - 1, ILOpCode.Ldloc)) handleLocal = il.Arg[end - 1];
        else return -1;
        if (!Is(end - 2, ILOpCode.Ldc_i4) || !Is(end - 3, ILOpCode.Ldc_i4)) return -1;
        sid = il.Arg[end - 2];
        tid = il.Arg[end - 3];
        return end - 3;
    }

    private int FirstPrefix(int k)
    {
        while (k > 0 && (il.Op[k - 1] is ILOpCode.Volatile or ILOpCode.Unaligned or ILOpCode.Constrained
                   or ILOpCode.Readonly or ILOpCode.Tail || (int)il.Op[k - 1] == 0xFE19 /* no. */)) k--;
        return k;
    }

    // stfld F: [obj, v] -> stloc v; dup; CHECK(StoreField); ldloc v; stfld
    //          [&struct, v] -> stloc v; dup; sizeof S; conv.u; CHECK(StoreAddress); ldnull; CHECK(StoreField); ldloc v; stfld
    private int InstanceField(int k, FieldFacts field, bool valueType)
    {
        int e = FirstPrefix(k) - 1;
        if (!Is(e, ILOpCode.Ldloc)) return -1;
        int v = il.Arg[e];
        int s = Check(e - 1, AbiOp.StoreField);
        if (s < 0 || !Expect(s + 3, TargetKind.InstanceField, field.Name, field.Assembly)) return -1;
        if (!valueType) return Is(s - 1, ILOpCode.Dup) && Is(s - 2, ILOpCode.Stloc, v) ? s - 2 : -1;
        if (!Is(s - 1, ILOpCode.Ldnull)) return -1;
        int a = Check(s - 2, AbiOp.StoreAddress);
        if (a < 0 || !Expect(a + 3, TargetKind.Address, "*", null)) return -1;
        bool size = Is(a - 1, ILOpCode.Conv_u) && Is(a - 2, ILOpCode.Sizeof)
                    && SameType(il.Arg[a - 2], MetadataTokens.GetToken(field.Parent));
        return size && Is(a - 3, ILOpCode.Dup) && Is(a - 4, ILOpCode.Stloc, v) ? a - 4 : -1;
    }

    // ldflda F: dup | ldnull; CHECK(StoreField); ldflda.  ldsflda / stsfld F: CHECK(StoreStatic); op
    private int FieldAddress(int k, FieldFacts field, bool isStatic, bool valueType)
    {
        int e = FirstPrefix(k) - 1;
        int s = Check(e, isStatic ? AbiOp.StoreStatic : AbiOp.StoreField);
        if (s < 0 || !Expect(s + 3, isStatic ? TargetKind.StaticField : TargetKind.InstanceField, field.Name,
            field.Assembly)) return -1;
        if (isStatic) return s;
        return Is(s - 1, valueType ? ILOpCode.Ldnull : ILOpCode.Dup) ? s - 1 : -1;
    }

    // stelem: stloc v; conv.i; stloc i; dup; ldloc i; CHECK(StoreElement); ldloc i; ldloc v; stelem
    private int Element(int k, string elementClass)
    {
        int e = FirstPrefix(k) - 1;
        if (!Is(e, ILOpCode.Ldloc) || !Is(e - 1, ILOpCode.Ldloc)) return -1;
        int v = il.Arg[e], i = il.Arg[e - 1];
        int s = Check(e - 2, AbiOp.StoreElement);
        if (s < 0 || v == i || !Expect(s + 3, TargetKind.ArrayElement, elementClass, null)) return -1;
        return Is(s - 1, ILOpCode.Ldloc, i) && Is(s - 2, ILOpCode.Dup) && Is(s - 3, ILOpCode.Stloc, i)
               && Is(s - 4, ILOpCode.Conv_i) && Is(s - 5, ILOpCode.Stloc, v) ? s - 5 : -1;
    }

    // stind/stobj: stloc v; dup; size; conv.u; CHECK(StoreAddress); ldloc v; store.  initobj T: dup; sizeof T; conv.u; CHECK; initobj
    private int Indirect(int k, bool hasValue)
    {
        int e = FirstPrefix(k) - 1;
        int v = -1;
        if (hasValue)
        {
            if (!Is(e, ILOpCode.Ldloc)) return -1;
            v = il.Arg[e--];
        }
        int s = Check(e, AbiOp.StoreAddress);
        if (s < 0 || !Expect(s + 3, TargetKind.Address, "*", null) || !Is(s - 1, ILOpCode.Conv_u) || !Width(k,
            s - 2)) return -1;
        if (!Is(s - 3, ILOpCode.Dup)) return -1;
        if (!hasValue) return s - 3;
        return Is(s - 4, ILOpCode.Stloc, v) ? s - 4 : -1;
    }

    // The checked extent is the store's own width: a narrower one would let a wide store straddle into protected memory.
    private bool Width(int k, int at)
    {
        int bytes = il.Op[k] switch
        {
            ILOpCode.Stind_i1 => 1, ILOpCode.Stind_i2 => 2, ILOpCode.Stind_i4 or ILOpCode.Stind_r4 => 4,
            ILOpCode.Stind_i8 or ILOpCode.Stind_r8 => 8, _ => 0,
        };
        if (bytes > 0) return Is(at, ILOpCode.Ldc_i4, bytes);
        if (!Is(at, ILOpCode.Sizeof)) return false;
        if (il.Op[k] is ILOpCode.Stind_i or ILOpCode.Stind_ref) return index.TypeString(il.Arg[at]) == "System.IntPtr";
        return SameType(il.Arg[at], il.Arg[k]);
    }

    // cpblk/initblk: stloc n; stloc s; dup; ldloc n; conv.u; CHECK(StoreAddress); ldloc s; ldloc n; op
    private int Block(int k)
    {
        int e = FirstPrefix(k) - 1;
        if (!Is(e, ILOpCode.Ldloc) || !Is(e - 1, ILOpCode.Ldloc)) return -1;
        int n = il.Arg[e], src = il.Arg[e - 1];
        int s = Check(e - 2, AbiOp.StoreAddress);
        if (s < 0 || n == src || !Expect(s + 3, TargetKind.Address, "*", null)) return -1;
        return Is(s - 1, ILOpCode.Conv_u) && Is(s - 2, ILOpCode.Ldloc, n) && Is(s - 3, ILOpCode.Dup)
               && Is(s - 4, ILOpCode.Stloc, src) && Is(s - 5, ILOpCode.Stloc, n) ? s - 5 : -1;
    }

    /// <summary>The storage class of a primitive type's name, or null.</summary>
    public static string? Primitive(string name) => name switch
    {
        "System.Boolean" or "System.Byte" or "System.SByte" => "i1",
        "System.Int16" or "System.UInt16" or "System.Char" => "i2",
        "System.Int32" or "System.UInt32" => "i4",
        "System.Int64" or "System.UInt64" => "i8",
        "System.Single" => "r4",
        "System.Double" => "r8",
        "System.IntPtr" or "System.UIntPtr" or "method*" => "i",
        "System.String" or "System.Object" => "ref",
        _ => null,
    };

    private bool SameType(int a, int b) => a == b || index.TypeString(a) == index.TypeString(b);

    /// <summary>The storage class the manifest must give a <c>stelem</c> target (<c>i4</c>, <c>ref</c>, a struct's name).</summary>
    private string? ElementClass(int k)
    {
        switch (il.Op[k])
        {
            case ILOpCode.Stelem_i1: return "i1";
            case ILOpCode.Stelem_i2: return "i2";
            case ILOpCode.Stelem_i4: return "i4";
            case ILOpCode.Stelem_i8: return "i8";
            case ILOpCode.Stelem_r4: return "r4";
            case ILOpCode.Stelem_r8: return "r8";
            case ILOpCode.Stelem_i: return "i";
            case ILOpCode.Stelem_ref: return "ref";
        }
        var type = MetadataTokens.EntityHandle(il.Arg[k]);
        var name = index.TypeString(il.Arg[k]);
        if (Primitive(name) is { } primitive) return primitive;
        if (name.StartsWith('!')) return "?";
        if (name.EndsWith('*')) return "i";
        if (name.EndsWith(']')) return "ref";
        if (type.Kind == HandleKind.TypeDefinition
            && index.EnumUnderlying((TypeDefinitionHandle)type) is { } underlying)
            return underlying;
        return index.IsValueType(type) switch { true => index.TypeName(type), false => "ref", null => null };
    }
}
