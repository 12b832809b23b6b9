using Mono.Cecil.Cil;

namespace Weaver.Engine.Guards;

/// <summary>The store instructions the guard step knows, grouped the way the guard treats them.</summary>
internal enum StoreFamily
{
    None,
    /// <summary><c>stfld</c>: [object or byref, value].</summary>
    InstanceField,
    /// <summary><c>stsfld</c>: [value].</summary>
    StaticField,
    /// <summary><c>stelem.*</c>, <c>stelem T</c>: [array, index, value].</summary>
    Element,
    /// <summary><c>stind.*</c>, <c>stobj T</c>: [address, value].</summary>
    Indirect,
    /// <summary><c>initobj T</c>: [address].</summary>
    InitObject,
    /// <summary><c>cpobj T</c>: [destination, source].</summary>
    CopyObject,
    /// <summary><c>cpblk</c>: [destination, source, size].</summary>
    CopyBlock,
    /// <summary><c>initblk</c>: [address, value, size].</summary>
    InitBlock,
    /// <summary><c>ldflda</c> not followed by a plain read: forming a writable byref to an instance field counts as writing it.</summary>
    FieldAddress,
    /// <summary><c>ldsflda</c> not followed by a plain read: forming a writable byref to a static field counts as writing it.</summary>
    StaticFieldAddress,
}

internal static class StoreOpcodes
{
    /// <summary>
    /// The family of <paramref name="instruction"/>, including address-of-field instructions whose byref may be
    /// written through (everything but an immediate <c>ldfld</c>/<c>ldobj</c>/<c>ldind</c> read). A byref to a field
    /// is checked by the field's rules where it is formed, because after that only its address is known.
    /// </summary>
    public static StoreFamily Family(Instruction instruction)
    {
        var family = Family(instruction.OpCode);
        if (family != StoreFamily.None) return family;
        if (instruction.OpCode.Code is not (Code.Ldflda or Code.Ldsflda)) return StoreFamily.None;
        if (IsPlainRead(instruction.Next)) return StoreFamily.None;
        return instruction.OpCode.Code == Code.Ldflda ? StoreFamily.FieldAddress : StoreFamily.StaticFieldAddress;
    }

    /// <summary>Whether the family is a real store (not an address formation); only real stores need a guard right before them.</summary>
    public static bool IsStore(StoreFamily family) => family is not (StoreFamily.None or StoreFamily.FieldAddress or StoreFamily.StaticFieldAddress);

    private static bool IsPlainRead(Instruction? next) => next?.OpCode.Code is Code.Ldfld or Code.Ldobj
        or Code.Ldind_I or Code.Ldind_I1 or Code.Ldind_I2 or Code.Ldind_I4 or Code.Ldind_I8 or Code.Ldind_R4 or Code.Ldind_R8
        or Code.Ldind_Ref or Code.Ldind_U1 or Code.Ldind_U2 or Code.Ldind_U4;

    public static StoreFamily Family(OpCode opCode) => opCode.Code switch
    {
        Code.Stfld => StoreFamily.InstanceField,
        Code.Stsfld => StoreFamily.StaticField,
        Code.Stelem_I or Code.Stelem_I1 or Code.Stelem_I2 or Code.Stelem_I4 or Code.Stelem_I8
            or Code.Stelem_R4 or Code.Stelem_R8 or Code.Stelem_Ref or Code.Stelem_Any => StoreFamily.Element,
        Code.Stind_I or Code.Stind_I1 or Code.Stind_I2 or Code.Stind_I4 or Code.Stind_I8
            or Code.Stind_R4 or Code.Stind_R8 or Code.Stind_Ref or Code.Stobj => StoreFamily.Indirect,
        Code.Initobj => StoreFamily.InitObject,
        Code.Cpobj => StoreFamily.CopyObject,
        Code.Cpblk => StoreFamily.CopyBlock,
        Code.Initblk => StoreFamily.InitBlock,
        _ => StoreFamily.None,
    };

    /// <summary>The report's name for a store opcode: <c>stfld</c>, <c>stelem.i4</c>, <c>stobj</c>...</summary>
    public static string ReportName(OpCode opCode) => opCode.Code == Code.Stelem_Any ? "stelem" : opCode.Name;

    /// <summary>The storage class of an element or indirect store opcode (<c>i1 i2 i4 i8 r4 r8 i ref</c>), or null for the typed forms.</summary>
    public static string? StorageClass(Code code) => code switch
    {
        Code.Stelem_I1 or Code.Stind_I1 => "i1",
        Code.Stelem_I2 or Code.Stind_I2 => "i2",
        Code.Stelem_I4 or Code.Stind_I4 => "i4",
        Code.Stelem_I8 or Code.Stind_I8 => "i8",
        Code.Stelem_R4 or Code.Stind_R4 => "r4",
        Code.Stelem_R8 or Code.Stind_R8 => "r8",
        Code.Stelem_I or Code.Stind_I => "i",
        Code.Stelem_Ref or Code.Stind_Ref => "ref",
        _ => null,
    };
}
