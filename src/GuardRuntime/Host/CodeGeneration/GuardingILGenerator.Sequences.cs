using System.Reflection;
using System.Reflection.Emit;

namespace GuardRuntime.CodeGeneration;

// The guard sequences, instruction for instruction those of Weaver.Engine.Guards.GuardSequence and CallGuardSequence.
internal sealed partial class GuardingILGenerator
{
    private static readonly MethodInfo StoreFieldCheck = typeof(Guard).GetMethod(nameof(Guard.StoreField))!;
    private static readonly MethodInfo StoreStaticCheck = typeof(Guard).GetMethod(nameof(Guard.StoreStatic))!;
    private static readonly MethodInfo StoreElementCheck = typeof(Guard).GetMethod(nameof(Guard.StoreElement))!;
    private static readonly MethodInfo StoreAddressCheck = typeof(Guard).GetMethod(nameof(Guard.StoreAddress))!;
    private static readonly MethodInfo StoreObjectCheck = typeof(Guard).GetMethod(nameof(Guard.StoreObject))!;
    private static readonly MethodInfo CallCheck = typeof(Guard).GetMethod(nameof(Guard.Call))!;

    // [target, value] -> stloc v; dup | (dup; sizeof S; <ids>; StoreAddress; ldnull); <ids>; StoreField; ldloc v; stfld
    private void InstanceField(OpCode opcode, FieldInfo field)
    {
        var value = Scratch(field.FieldType);
        real.Emit(OpCodes.Stloc, value);
        real.Emit(OpCodes.Dup);
        if (field.DeclaringType!.IsValueType)
        {
            Size(field.DeclaringType, null);
            Check(TargetKind.Address, "*", null, StoreAddressCheck);
            real.Emit(OpCodes.Ldnull);
        }
        Check(TargetKind.InstanceField, DynamicTargets.FieldName(field), AssemblyOf(field.DeclaringType), StoreFieldCheck);
        real.Emit(OpCodes.Ldloc, value);
        Instruction(() => real.Emit(opcode, field));
    }

    // [target] -> dup | ldnull; <ids>; StoreField; ldflda
    private void FieldAddress(OpCode opcode, FieldInfo field)
    {
        real.Emit(field.DeclaringType!.IsValueType ? OpCodes.Ldnull : OpCodes.Dup);
        Check(TargetKind.InstanceField, DynamicTargets.FieldName(field), AssemblyOf(field.DeclaringType), StoreFieldCheck);
        Instruction(() => real.Emit(opcode, field));
    }

    // [value] -> <ids>; StoreStatic; stsfld | ldsflda
    private void StaticField(OpCode opcode, FieldInfo field)
    {
        Check(TargetKind.StaticField, DynamicTargets.FieldName(field), AssemblyOf(field.DeclaringType!), StoreStaticCheck);
        Instruction(() => real.Emit(opcode, field));
    }

    // [array, index, value] -> stloc v; conv.i; stloc i; dup; ldloc i; <ids>; StoreElement; ldloc i; ldloc v; stelem
    private void Element(OpCode opcode, Type valueType, string elementClass, Type? operand = null)
    {
        var value = Scratch(valueType);
        var index = Scratch(typeof(nint), second: true);
        real.Emit(OpCodes.Stloc, value);
        real.Emit(OpCodes.Conv_I);
        real.Emit(OpCodes.Stloc, index);
        real.Emit(OpCodes.Dup);
        real.Emit(OpCodes.Ldloc, index);
        Check(TargetKind.ArrayElement, elementClass, null, StoreElementCheck);
        real.Emit(OpCodes.Ldloc, index);
        real.Emit(OpCodes.Ldloc, value);
        Instruction(() => { if (operand is null) real.Emit(opcode); else real.Emit(opcode, operand); });
    }

    // [address, value] -> stloc v; dup; <size>; <ids>; StoreAddress; ldloc v; stind | stobj
    private void Indirect(OpCode opcode, Type valueType, int? width, Type? operand = null)
    {
        var value = Scratch(valueType);
        real.Emit(OpCodes.Stloc, value);
        real.Emit(OpCodes.Dup);
        Size(operand, width);
        Check(TargetKind.Address, "*", null, StoreAddressCheck);
        real.Emit(OpCodes.Ldloc, value);
        Instruction(() => { if (operand is null) real.Emit(opcode); else real.Emit(opcode, operand); });
    }

    // [address] -> dup; sizeof T; <ids>; StoreAddress; initobj T
    private void InitObject(OpCode opcode, Type type)
    {
        real.Emit(OpCodes.Dup);
        Size(type, null);
        Check(TargetKind.Address, "*", null, StoreAddressCheck);
        Instruction(() => real.Emit(opcode, type));
    }

    // cpobj T is stobj T of ldobj T.
    private void CopyObject(OpCode opcode, Type type)
    {
        real.Emit(OpCodes.Ldobj, type);
        Indirect(OpCodes.Stobj, type, null, type);
    }

    // [dest, src|value, size] -> stloc n; stloc s; dup; ldloc n; conv.u; <ids>; StoreAddress; ldloc s; ldloc n; cpblk|initblk
    private void Block(OpCode opcode)
    {
        bool copy = opcode.Value == OpCodes.Cpblk.Value;
        var size = Scratch(typeof(uint));
        var second = Scratch(copy ? typeof(byte).MakeByRefType() : typeof(int));
        real.Emit(OpCodes.Stloc, size);
        real.Emit(OpCodes.Stloc, second);
        real.Emit(OpCodes.Dup);
        real.Emit(OpCodes.Ldloc, size);
        real.Emit(OpCodes.Conv_U);
        Check(TargetKind.Address, "*", null, StoreAddressCheck);
        real.Emit(OpCodes.Ldloc, second);
        real.Emit(OpCodes.Ldloc, size);
        Instruction(() => real.Emit(opcode));
    }

    private void Size(Type? type, int? width)
    {
        if (width is { } n) real.Emit(OpCodes.Ldc_I4, n);
        else real.Emit(OpCodes.Sizeof, type ?? typeof(nint));
        real.Emit(OpCodes.Conv_U);
    }

    // <ids>: ldc.i4 target; ldc.i4 site; ldsfld <WeaverGuard>::Module; call check.
    private void Check(TargetKind kind, string name, string? assembly, MethodInfo check)
    {
        var (targetId, siteId) = DynamicTargets.Add(module, kind, name, assembly,
            new DynamicTargets.Site($"DynamicMethod '{method.Name}' (generated by {module.Name})", real.ILOffset));
        real.Emit(OpCodes.Ldc_I4, targetId);
        real.Emit(OpCodes.Ldc_I4, siteId);
        real.Emit(OpCodes.Ldsfld, handle);
        real.Emit(OpCodes.Call, check);
    }

    private string? AssemblyOf(Type type) => type.Assembly.GetName().Name;

    // What a field instruction may name at all.
    private void FieldRules(OpCode opcode, FieldInfo field)
    {
        var type = field.DeclaringType ?? throw Refuse(opcode, "a global field has no declaring type the rules can judge");
        if (EmittedMembers.IsWeaverInjected(type))
            throw Refuse(opcode, "the weaver's injected fields (the module handle, memo tables) are not the module's to use");
        var origin = EmittedMembers.OriginOf(type.Assembly, module);
        if (origin == Origin.Runtime) throw Refuse(opcode, "generated code may not name the guard or memoization runtimes");
        bool writes = opcode.Value == OpCodes.Stfld.Value || opcode.Value == OpCodes.Stsfld.Value
                      || opcode.Value == OpCodes.Ldflda.Value || opcode.Value == OpCodes.Ldsflda.Value;
        if (!writes || origin == Origin.Own) return;
        if (!EmittedMembers.IsPublic(field))
            throw Refuse($"{opcode.Name} {DynamicTargets.FieldName(field)}",
                "it writes (or takes the address of) a non-public field of another assembly, which compiled code cannot name");
        if (field.IsInitOnly || field.IsLiteral)
            throw Refuse($"{opcode.Name} {DynamicTargets.FieldName(field)}",
                "it writes a read-only field of another assembly, which compiled code cannot do");
    }

    // One spill local per type (a second one for the element index), like the weaver's ScratchLocals.
    private LocalBuilder Scratch(Type type, bool second = false)
    {
        if (second)
        {
            if (!scratch.TryGetValue(typeof(IndexSlot), out var index)) scratch[typeof(IndexSlot)] = index = real.DeclareLocal(type);
            return index;
        }
        if (!scratch.TryGetValue(type, out var local)) scratch[type] = local = real.DeclareLocal(type);
        return local;
    }

    private struct IndexSlot;

    private static string? StoreClass(OpCode opcode)
    {
        var name = opcode.Name;
        if (name is null || !(name.StartsWith("stelem.", StringComparison.Ordinal) || name.StartsWith("stind.", StringComparison.Ordinal)))
            return null;
        return name[(name.IndexOf('.') + 1)..];
    }

    private static Type ValueType(string storage) => storage switch
    {
        "i1" or "i2" or "i4" => typeof(int),
        "i8" => typeof(long),
        "r4" => typeof(float),
        "r8" => typeof(double),
        "i" => typeof(nint),
        _ => typeof(object),
    };

    private static int? Width(string storage) => storage switch
    {
        "i1" => 1, "i2" => 2, "i4" or "r4" => 4, "i8" or "r8" => 8, _ => null,
    };
}
