using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Weaver.Engine.Guards;

/// <summary>
/// Builds the instructions that replace one store: spill the operands the guard needs to look at, call the guard,
/// reload, and store (with the original prefixes). The first instructions take the place of the original run.
/// </summary>
internal sealed class GuardSequence(
    GuardContext guard, MethodDefinition method, ScratchLocals scratch, Instruction store, Instruction[] prefixes, SourceLines lines,
    Elimination.Elimination elimination = default)
{
    private readonly List<Instruction> code = [];
    private readonly int ilOffset = guard.OffsetOf(store); // the site names the store as it is in the input
    private TypeSystem Types => guard.Module.TypeSystem;

    public List<Instruction> Build()
    {
        switch (StoreOpcodes.Family(store))
        {
            case StoreFamily.FieldAddress: FieldAddress((FieldReference)store.Operand); break;
            case StoreFamily.StaticFieldAddress: StaticField((FieldReference)store.Operand); break;
            case StoreFamily.InstanceField: InstanceField((FieldReference)store.Operand); break;
            case StoreFamily.StaticField: StaticField((FieldReference)store.Operand); break;
            case StoreFamily.Element: Element(); break;
            case StoreFamily.Indirect: Indirect(); break;
            case StoreFamily.InitObject: InitObject((TypeReference)store.Operand); break;
            case StoreFamily.CopyObject: CopyObject((TypeReference)store.Operand); break;
            case StoreFamily.CopyBlock: Block(isCopy: true); break;
            case StoreFamily.InitBlock: Block(isCopy: false); break;
            default: throw new InvalidOperationException($"{store.OpCode} is not a store.");
        }
        return code;
    }

    // [target, value] -> stloc v; dup | ldnull; <ids>; call StoreField; ldloc v; stfld
    private void InstanceField(FieldReference field)
    {
        var value = scratch.Get(GenericSubstitution.FieldType(field));
        Emit(OpCodes.Stloc, value);
        if (elimination.Reason != Elimination.EliminationReason.None)
        {
            // [&struct, v] -> stloc v; pop; ldnull; <ids>; call StoreField; <the address again>; ldloc v; stfld
            // The address is the frame's own or was checked where it was formed: only the field's rules remain.
            Emit(OpCodes.Pop);
            Emit(OpCodes.Ldnull);
            EmitIdsAndCall(guard.Targets.Field(field, isStatic: false), guard.Abi.StoreField);
            Emit(GuardContext.Copy(elimination.Address));
            Emit(OpCodes.Ldloc, value);
            EmitStore();
            return;
        }
        if (guard.IsValueType(field.DeclaringType, method, ilOffset))
        {
            // A struct's field is written through a byref or pointer to the struct, which may lie inside a
            // protected object or unmanaged range: check the struct's extent by address, then the field's own rules.
            Emit(OpCodes.Dup);
            EmitSize(field.DeclaringType, null);
            EmitIdsAndCall(guard.Targets.Address(), guard.Abi.StoreAddress);
            Emit(OpCodes.Ldnull);
        }
        else
        {
            Emit(OpCodes.Dup);
        }
        EmitIdsAndCall(guard.Targets.Field(field, isStatic: false), guard.Abi.StoreField);
        Emit(OpCodes.Ldloc, value);
        EmitStore();
    }

    // [target] -> dup | ldnull; <ids>; call StoreField; ldflda (the byref may be written through later)
    private void FieldAddress(FieldReference field)
    {
        Emit(guard.IsValueType(field.DeclaringType, method, ilOffset) ? Instruction.Create(OpCodes.Ldnull) : Instruction.Create(OpCodes.Dup));
        EmitIdsAndCall(guard.Targets.Field(field, isStatic: false), guard.Abi.StoreField);
        EmitStore();
    }

    // [value] -> <ids>; call StoreStatic; stsfld (nothing to spill); ldsflda the same way
    private void StaticField(FieldReference field)
    {
        EmitIdsAndCall(guard.Targets.Field(field, isStatic: true), guard.Abi.StoreStatic);
        EmitStore();
    }

    // [array, index, value] -> stloc v; conv.i; stloc i; dup; ldloc i; <ids>; call StoreElement; ldloc i; ldloc v; stelem
    private void Element()
    {
        var (valueType, elementClass) = store.OpCode.Code == Code.Stelem_Any
            ? ((TypeReference)store.Operand, ElementClassOf((TypeReference)store.Operand))
            : (ValueTypeOf(store.OpCode.Code), StoreOpcodes.StorageClass(store.OpCode.Code)!);
        var value = scratch.Get(valueType);
        // A slot of its own: for stelem.i the value is a native int too, and sharing one local would store the index.
        var index = scratch.Get(Types.IntPtr, slot: 1);
        Emit(OpCodes.Stloc, value);
        Emit(OpCodes.Conv_I);
        Emit(OpCodes.Stloc, index);
        Emit(OpCodes.Dup);
        Emit(OpCodes.Ldloc, index);
        EmitIdsAndCall(guard.Targets.Element(elementClass), guard.Abi.StoreElement);
        Emit(OpCodes.Ldloc, index);
        Emit(OpCodes.Ldloc, value);
        EmitStore();
    }

    // [address, value] -> stloc v; dup; <size>; <ids>; call StoreAddress; ldloc v; stind/stobj
    private void Indirect()
    {
        var typed = store.OpCode.Code == Code.Stobj ? (TypeReference)store.Operand : null;
        var value = scratch.Get(typed ?? ValueTypeOf(store.OpCode.Code));
        Emit(OpCodes.Stloc, value);
        if (elimination.Reason == Elimination.EliminationReason.Stack)
        {
            // [&local, v] -> stloc v; pop; ldloca L | ldarga A; ldloc v; stind/stobj: writing a local, as stloc does.
            Emit(OpCodes.Pop);
            Emit(GuardContext.Copy(elimination.Address));
            Emit(OpCodes.Ldloc, value);
            EmitStore();
            return;
        }
        Emit(OpCodes.Dup);
        EmitSize(typed, StoreOpcodes.StorageClass(store.OpCode.Code));
        EmitIdsAndCall(guard.Targets.Address(), guard.Abi.StoreAddress);
        Emit(OpCodes.Ldloc, value);
        EmitStore();
    }

    // [address] -> dup; sizeof T; <ids>; call StoreAddress; initobj T
    private void InitObject(TypeReference type)
    {
        if (elimination.Reason == Elimination.EliminationReason.Stack)
        {
            // [&local] -> initobj right after ldloca/ldarga (pop and push it again when other code sits between).
            if (store.Previous != elimination.Address)
            {
                Emit(OpCodes.Pop);
                Emit(GuardContext.Copy(elimination.Address));
            }
            EmitStore();
            return;
        }
        Emit(OpCodes.Dup);
        EmitSize(type, null);
        EmitIdsAndCall(guard.Targets.Address(), guard.Abi.StoreAddress);
        EmitStore();
    }

    // cpobj T is stobj T of ldobj T: [dest, src] -> ldobj T; then as stobj T.
    private void CopyObject(TypeReference type)
    {
        Emit(OpCodes.Ldobj, type);
        var value = scratch.Get(type);
        Emit(OpCodes.Stloc, value);
        Emit(OpCodes.Dup);
        EmitSize(type, null);
        EmitIdsAndCall(guard.Targets.Address(), guard.Abi.StoreAddress);
        Emit(OpCodes.Ldloc, value);
        foreach (var prefix in prefixes) Emit(GuardContext.Copy(prefix));
        Emit(OpCodes.Stobj, type);
    }

    // [dest, src|value, size] -> stloc n; stloc s; dup; ldloc n; conv.u; <ids>; call StoreAddress; ldloc s; ldloc n; cpblk|initblk
    private void Block(bool isCopy)
    {
        var size = scratch.Get(Types.UInt32);
        // The source of cpblk may be a managed pointer: a byref local keeps it GC-tracked across the guard call.
        var second = scratch.Get(isCopy ? new ByReferenceType(Types.Byte) : Types.Int32);
        Emit(OpCodes.Stloc, size);
        Emit(OpCodes.Stloc, second);
        Emit(OpCodes.Dup);
        Emit(OpCodes.Ldloc, size);
        Emit(OpCodes.Conv_U);
        EmitIdsAndCall(guard.Targets.Address(), guard.Abi.StoreAddress);
        Emit(OpCodes.Ldloc, second);
        Emit(OpCodes.Ldloc, size);
        EmitStore();
    }

    /// <summary>
    /// The formation check that replaces <c>stloc L</c> for a local whose field stores lost their address check:
    /// [address] -> dup; sizeof T; conv.u; (ids); call StoreAddress; stloc L (T: what L points to).
    /// </summary>
    public static List<Instruction> Formation(GuardContext guard, MethodDefinition method, int ilOffset, Instruction stloc,
        TypeReference referent, SourceLines lines)
    {
        var code = new List<Instruction> { Instruction.Create(OpCodes.Dup), Instruction.Create(OpCodes.Sizeof, referent),
            Instruction.Create(OpCodes.Conv_U) };
        code.AddRange(guard.CheckCall(method, ilOffset, lines, guard.Targets.Address(), guard.Abi.StoreAddress));
        code.Add(GuardContext.Copy(stloc));
        return code;
    }

    private void EmitIdsAndCall(int targetId, MethodReference check) =>
        code.AddRange(guard.CheckCall(method, ilOffset, lines, targetId, check));

    private void EmitSize(TypeReference? type, string? storageClass)
    {
        int? bytes = storageClass switch { "i1" => 1, "i2" => 2, "i4" or "r4" => 4, "i8" or "r8" => 8, _ => null };
        if (bytes is { } n) Emit(Instruction.Create(OpCodes.Ldc_I4, n));
        else Emit(OpCodes.Sizeof, type ?? Types.IntPtr);
        Emit(OpCodes.Conv_U);
    }

    // The original prefixes go right before the store again, then the store itself.
    private void EmitStore()
    {
        foreach (var prefix in prefixes) Emit(GuardContext.Copy(prefix));
        Emit(GuardContext.Copy(store));
    }

    private TypeReference ValueTypeOf(Code code) => StoreOpcodes.StorageClass(code) switch
    {
        "i1" or "i2" or "i4" => Types.Int32,
        "i8" => Types.Int64,
        "r4" => Types.Single,
        "r8" => Types.Double,
        "i" => Types.IntPtr,
        _ => Types.Object,
    };

    // The storage class of stelem T's element, matching GuardRuntime.ArrayElementClass.Of on the live array type.
    private string ElementClassOf(TypeReference type)
    {
        type = GenericSubstitution.StripModifiers(type);
        if (type is GenericParameter) return GuardRuntime.ArrayElementClass.Unknown;
        switch (type.MetadataType)
        {
            case MetadataType.Boolean or MetadataType.Byte or MetadataType.SByte: return "i1";
            case MetadataType.Int16 or MetadataType.UInt16 or MetadataType.Char: return "i2";
            case MetadataType.Int32 or MetadataType.UInt32: return "i4";
            case MetadataType.Int64 or MetadataType.UInt64: return "i8";
            case MetadataType.Single: return "r4";
            case MetadataType.Double: return "r8";
            case MetadataType.IntPtr or MetadataType.UIntPtr or MetadataType.Pointer or MetadataType.FunctionPointer: return "i";
            case MetadataType.String or MetadataType.Object or MetadataType.Array or MetadataType.Class: return GuardRuntime.ArrayElementClass.Reference;
        }
        TypeDefinition? resolved;
        try { resolved = type.GetElementType().Resolve(); }
        catch (AssemblyResolutionException) { resolved = null; }
        if (resolved is null) return GuardRuntime.ArrayElementClass.Unknown;
        if (resolved.IsEnum)
            return ElementClassOf(resolved.Fields.First(f => !f.IsStatic).FieldType);
        return resolved.IsValueType ? TypeNames.Reflection(type) : GuardRuntime.ArrayElementClass.Reference;
    }

    private void Emit(Instruction instruction) => code.Add(instruction);
    private void Emit(OpCode opCode, VariableDefinition local) => code.Add(Instruction.Create(opCode, local));
    private void Emit(OpCode opCode, TypeReference type) => code.Add(Instruction.Create(opCode, type));
    private void Emit(OpCode opCode, FieldReference field) => code.Add(Instruction.Create(opCode, field));
    private void Emit(OpCode opCode, MethodReference method) => code.Add(Instruction.Create(opCode, method));
    private void Emit(OpCode opCode) => code.Add(Instruction.Create(opCode));
}
