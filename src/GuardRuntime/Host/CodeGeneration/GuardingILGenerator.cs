using System.Diagnostics.SymbolStore;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.InteropServices;

namespace GuardRuntime.CodeGeneration;

/// <summary>
/// The IL generator a module gets for its <see cref="DynamicMethod"/>: it weaves every instruction as it is emitted
/// into the method's real generator. Stores get the guard sequences the weaver emits for compiled code (see
/// <c>Weaver.Engine.Guards.GuardSequence</c>: the same order, the same checks, ids of the module's own manifest),
/// calls get the host-call check or the effect model's checks (<see cref="CallPlan"/>), calls to code generation go
/// to the shims again (so generated code that generates code is woven too), and whatever cannot be checked throws
/// <see cref="CodeGenerationRefusedException"/> at the Emit call. Labels, locals and exception blocks are the real
/// generator's, so the method body never exists unguarded.
/// </summary>
internal sealed partial class GuardingILGenerator : ILGenerator
{
    private readonly ILGenerator real;
    private readonly DynamicMethod method;
    private readonly ModuleGuard module;
    private readonly FieldInfo handle;
    private readonly Type[] parameterTypes;
    private readonly List<Action> prefixes = [];
    private readonly Dictionary<Type, LocalBuilder> scratch = [];
    private readonly List<LocalBuilder> argumentScratch = [];
    private Type? constrained;
    private bool addressOfReferenceSlot;

    public GuardingILGenerator(ILGenerator real, DynamicMethod method, Type[] parameterTypes, ModuleGuard module, FieldInfo handle)
    {
        this.real = real;
        this.method = method;
        this.parameterTypes = parameterTypes;
        this.module = module;
        this.handle = handle;
    }

    public override int ILOffset => real.ILOffset;

    // ---- Structure: passed through -----------------------------------------------------------------------------

    public override LocalBuilder DeclareLocal(Type localType, bool pinned) => Flushed().DeclareLocal(localType, pinned);
    public override Label DefineLabel() => real.DefineLabel();
    public override void MarkLabel(Label loc) => Flushed().MarkLabel(loc);
    public override Label BeginExceptionBlock() => Flushed().BeginExceptionBlock();
    public override void BeginCatchBlock(Type? exceptionType) => Flushed().BeginCatchBlock(exceptionType);
    public override void BeginExceptFilterBlock() => Flushed().BeginExceptFilterBlock();
    public override void BeginFaultBlock() => Flushed().BeginFaultBlock();
    public override void BeginFinallyBlock() => Flushed().BeginFinallyBlock();
    public override void EndExceptionBlock() => Flushed().EndExceptionBlock();
    public override void BeginScope() => Flushed().BeginScope();
    public override void EndScope() => Flushed().EndScope();
    public override void UsingNamespace(string usingNamespace) => real.UsingNamespace(usingNamespace);
    protected override void MarkSequencePointCore(ISymbolDocumentWriter document, int startLine, int startColumn, int endLine, int endColumn) =>
        real.MarkSequencePoint(document, startLine, startColumn, endLine, endColumn);

    // ---- Instructions -------------------------------------------------------------------------------------------

    public override void Emit(OpCode opcode)
    {
        if (Prefix(opcode, () => real.Emit(opcode))) return;
        Allow(opcode);
        AfterReferenceAddress(opcode, null);
        if (StoreClass(opcode) is { } storage)
        {
            if (opcode.Name!.StartsWith("stelem", StringComparison.Ordinal)) Element(opcode, ValueType(storage), storage);
            else Indirect(opcode, ValueType(storage), Width(storage));
            return;
        }
        if (opcode.Value == OpCodes.Cpblk.Value || opcode.Value == OpCodes.Initblk.Value)
        {
            Block(opcode);
            return;
        }
        Instruction(() => real.Emit(opcode));
    }

    public override void Emit(OpCode opcode, byte arg)
    {
        if (Prefix(opcode, () => real.Emit(opcode, arg))) return;
        Operand(opcode, ArgumentIsReference(opcode, arg), () => real.Emit(opcode, arg));
    }

    public override void Emit(OpCode opcode, short arg) =>
        Operand(opcode, ArgumentIsReference(opcode, arg), () => real.Emit(opcode, arg));

    public override void Emit(OpCode opcode, int arg) =>
        Operand(opcode, ArgumentIsReference(opcode, arg), () => real.Emit(opcode, arg));

    public override void Emit(OpCode opcode, long arg) => Operand(opcode, false, () => real.Emit(opcode, arg));
    public override void Emit(OpCode opcode, float arg) => Operand(opcode, false, () => real.Emit(opcode, arg));
    public override void Emit(OpCode opcode, double arg) => Operand(opcode, false, () => real.Emit(opcode, arg));
    public override void Emit(OpCode opcode, string str) => Operand(opcode, false, () => real.Emit(opcode, str));
    public override void Emit(OpCode opcode, Label label) => Operand(opcode, false, () => real.Emit(opcode, label));
    public override void Emit(OpCode opcode, Label[] labels) => Operand(opcode, false, () => real.Emit(opcode, labels));

    public override void Emit(OpCode opcode, LocalBuilder local) =>
        Operand(opcode, IsAddress(opcode) && HoldsReference(local.LocalType), () => real.Emit(opcode, local));

    public override void Emit(OpCode opcode, SignatureHelper signature) =>
        throw Refuse(opcode, "an indirect call through a signature (calli) has a target the guard cannot know");

    public override void EmitCalli(OpCode opcode, CallingConventions callingConvention, Type? returnType, Type[]? parameterTypes,
        Type[]? optionalParameterTypes) =>
        throw Refuse(opcode, "an indirect call (calli) has a target the guard cannot know: it may be native code or unwoven IL");

    public override void EmitCalli(OpCode opcode, CallingConvention unmanagedCallConv, Type? returnType, Type[]? parameterTypes) =>
        throw Refuse(opcode, "an unmanaged indirect call (calli) runs native code, which can write anywhere");

    public override void Emit(OpCode opcode, Type cls)
    {
        if (opcode.Value == OpCodes.Constrained.Value)
        {
            constrained = cls;
            prefixes.Add(() => real.Emit(opcode, cls));
            return;
        }
        Allow(opcode);
        AfterReferenceAddress(opcode, cls);
        bool slot = opcode.Value == OpCodes.Ldelema.Value && HoldsReference(cls);
        if (opcode.Value == OpCodes.Unbox.Value)
            throw Refuse(opcode, "unbox yields a writable address into a boxed value, which is shared and immutable; use unbox.any");
        if (opcode.Value == OpCodes.Stelem.Value) { Element(opcode, cls, ArrayElementClass.Of(cls), cls); return; }
        if (opcode.Value == OpCodes.Stobj.Value) { Indirect(opcode, cls, null, cls); return; }
        if (opcode.Value == OpCodes.Initobj.Value) { InitObject(opcode, cls); return; }
        if (opcode.Value == OpCodes.Cpobj.Value) { CopyObject(opcode, cls); return; }
        Instruction(() => real.Emit(opcode, cls));
        addressOfReferenceSlot = slot;
    }

    public override void Emit(OpCode opcode, FieldInfo field)
    {
        Allow(opcode);
        AfterReferenceAddress(opcode, null);
        FieldRules(opcode, field);
        bool address = opcode.Value == OpCodes.Ldflda.Value || opcode.Value == OpCodes.Ldsflda.Value;
        if (opcode.Value == OpCodes.Stfld.Value) InstanceField(opcode, field);
        else if (opcode.Value == OpCodes.Ldflda.Value) FieldAddress(opcode, field);
        else if (opcode.Value == OpCodes.Stsfld.Value || opcode.Value == OpCodes.Ldsflda.Value) StaticField(opcode, field);
        else Instruction(() => real.Emit(opcode, field));
        addressOfReferenceSlot = address && HoldsReference(field.FieldType);
    }

    public override void Emit(OpCode opcode, MethodInfo meth) => Call(opcode, meth, null);

    public override void Emit(OpCode opcode, ConstructorInfo con) => Call(opcode, con, null);

    public override void EmitCall(OpCode opcode, MethodInfo methodInfo, Type[]? optionalParameterTypes) =>
        Call(opcode, methodInfo, optionalParameterTypes);

    // ---- Helpers ------------------------------------------------------------------------------------------------

    private bool Prefix(OpCode opcode, Action emit)
    {
        if (opcode.OpCodeType != OpCodeType.Prefix) return false;
        prefixes.Add(emit);
        return true;
    }

    private ILGenerator Flushed()
    {
        if (addressOfReferenceSlot)
            throw Refuse("a label or block boundary right after the address of an object reference slot",
                "the address must be used by the next instruction, where the rules can see how");
        FlushPrefixes();
        return real;
    }

    // The address of a slot that holds an object reference (ldloca/ldarga/ldflda/ldsflda/ldelema of a reference type)
    // may only be passed to a call (which types it) or read or cleared as a reference: read or written as anything
    // else (conv.u, ldind.i, stind.i4 after a value, cpblk...), it forges a reference that field rules would judge by
    // the wrong type, or a pointer into an object the module does not own.
    private void AfterReferenceAddress(OpCode opcode, Type? operand)
    {
        if (!addressOfReferenceSlot) return;
        addressOfReferenceSlot = false;
        short v = opcode.Value;
        if (v == OpCodes.Call.Value || v == OpCodes.Callvirt.Value || v == OpCodes.Newobj.Value || v == OpCodes.Ldind_Ref.Value) return;
        if ((v == OpCodes.Ldobj.Value || v == OpCodes.Initobj.Value) && operand is not null && HoldsReference(operand)) return;
        throw Refuse(opcode, "it uses the address of a slot holding an object reference other than as a reference (&obj read "
                             + "or written as another type forges a reference that field rules would judge by the wrong type)");
    }

    private void FlushPrefixes()
    {
        foreach (var prefix in prefixes) prefix();
        prefixes.Clear();
        constrained = null;
    }

    // An instruction with no checks: its prefixes, then it.
    private void Instruction(Action emit)
    {
        FlushPrefixes();
        emit();
    }

    private void Operand(OpCode opcode, bool referenceSlot, Action emit)
    {
        Allow(opcode);
        AfterReferenceAddress(opcode, null);
        Instruction(emit);
        addressOfReferenceSlot = referenceSlot;
    }

    private static bool IsAddress(OpCode opcode) =>
        opcode.Value == OpCodes.Ldloca.Value || opcode.Value == OpCodes.Ldloca_S.Value
        || opcode.Value == OpCodes.Ldarga.Value || opcode.Value == OpCodes.Ldarga_S.Value;

    private bool ArgumentIsReference(OpCode opcode, int index)
    {
        if (opcode.Value != OpCodes.Ldarga.Value && opcode.Value != OpCodes.Ldarga_S.Value) return false;
        return (uint)index < (uint)parameterTypes.Length && HoldsReference(parameterTypes[index]);
    }

    private static bool HoldsReference(Type type) => !type.IsValueType && !type.IsPointer && !type.IsByRef;

    private void Allow(OpCode opcode)
    {
        short v = opcode.Value;
        if (v == OpCodes.Calli.Value)
            throw Refuse(opcode, "an indirect call (calli) has a target the guard cannot know");
        if (v == OpCodes.Jmp.Value)
            throw Refuse(opcode, "jmp transfers to another method with this frame's arguments, outside every call check");
        if (v == OpCodes.Mkrefany.Value || v == OpCodes.Refanyval.Value)
            throw Refuse(opcode, "writes through a typed reference are not visible to the guard");
    }

    private CodeGenerationRefusedException Refuse(OpCode opcode, string why) =>
        new(module.Name, $"emitting {opcode.Name} into DynamicMethod '{method.Name}'", why);

    private CodeGenerationRefusedException Refuse(string what, string why) =>
        new(module.Name, $"emitting {what} into DynamicMethod '{method.Name}'", why);
}
