using GuardRuntime.Effects;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Escapes;

/// <summary>What one external call needs checked before it runs: the effect plan (framework) and the host-call rule.</summary>
internal sealed record CallChecks(CallPlan? Plan, bool HostCall, IReadOnlyList<int>? HostByrefs = null)
{
    public bool Any => HostCall || Plan is { Any: true } || HostByrefs is { Count: > 0 };
}

/// <summary>
/// Builds the instructions that replace one call: spill its arguments, check each destination it will write (array
/// ranges, spans and memory, pointer extents, vector widths, <c>ref</c>/<c>out</c> arguments, whole objects and the
/// receiver) and, for host methods, the policy's call rules; reload the arguments and call.
/// </summary>
internal sealed class CallGuardSequence(GuardContext guard, MethodDefinition method, ScratchLocals scratch, Instruction call, Instruction[] prefixes, SourceLines lines)
{
    private readonly List<Instruction> code = [];
    private readonly MethodReference callee = (MethodReference)call.Operand;
    private readonly int ilOffset = guard.OffsetOf(call); // the site names the call as it is in the input
    private VariableDefinition[]? args;

    public List<Instruction> Build(CallChecks checks)
    {
        if (checks.HostCall) EmitIds(guard.Targets.Call(callee), guard.Abi.Call);
        var plan = checks.Plan;
        var byrefs = plan?.Byrefs ?? checks.HostByrefs ?? [];
        bool spill = byrefs.Count > 0 || plan is { Any: true };
        if (spill && callee.Parameters.Count > 0) args = SpillArguments();
        if (plan is not null)
        {
            // The receiver is on the stack below the spilled arguments.
            if (plan.Objects.Contains(EffectExtent.This)) EmitReceiverObject();
            if (plan.ReceiverStruct) EmitReceiverStruct();
            foreach (var write in plan.Writes) EmitWrite(write);
            foreach (var index in plan.Spans) EmitSpanLike(index);
            foreach (var index in plan.Objects.Where(i => i >= 0))
            {
                Load(index);
                EmitIds(guard.Targets.Object(), guard.Abi.StoreObject);
            }
        }
        foreach (var index in byrefs)
        {
            var element = ((ByReferenceType)ParameterType(index)).ElementType;
            Load(index);
            EmitSizeOf(element);
            EmitIds(guard.Targets.Address(), guard.Abi.StoreAddress);
        }
        if (args is not null)
            foreach (var local in args) Emit(Instruction.Create(OpCodes.Ldloc, local));
        foreach (var prefix in prefixes) Emit(GuardContext.Copy(prefix));
        Emit(GuardContext.Copy(call));
        return code;
    }

    private TypeReference ParameterType(int index) => GenericSubstitution.ParameterType(callee, index);

    // Arguments are on the stack in order; they are popped last-first into one local each.
    private VariableDefinition[] SpillArguments()
    {
        var locals = new VariableDefinition[callee.Parameters.Count];
        for (int i = callee.Parameters.Count - 1; i >= 0; i--)
        {
            locals[i] = scratch.Get(ParameterType(i), slot: 100 + i);
            Emit(Instruction.Create(OpCodes.Stloc, locals[i]));
        }
        return locals;
    }

    private void EmitReceiverObject()
    {
        var constrained = prefixes.FirstOrDefault(p => p.OpCode.Code == Code.Constrained)?.Operand as TypeReference;
        Emit(Instruction.Create(OpCodes.Dup));
        if (constrained is not null)
        {
            // A constrained call passes a byref to the receiver; the planner refuses it when the type is unknown.
            if (constrained.IsValueType)
            {
                EmitSizeOf(constrained);
                EmitIds(guard.Targets.Address(), guard.Abi.StoreAddress);
                return;
            }
            Emit(Instruction.Create(OpCodes.Ldind_Ref));
        }
        EmitIds(guard.Targets.Object(), guard.Abi.StoreObject);
    }

    private void EmitReceiverStruct()
    {
        Emit(Instruction.Create(OpCodes.Dup)); // a byref (or pointer) to the struct the method is called on
        EmitSizeOf(callee.DeclaringType);
        EmitIds(guard.Targets.Address(), guard.Abi.StoreAddress);
    }

    private void EmitWrite(EffectExtent write)
    {
        switch (write.Kind)
        {
            case ExtentKind.Array:
                if (write.Dest == EffectExtent.This) Emit(Instruction.Create(OpCodes.Dup));
                else Load(write.Dest);
                EmitNative(write.Start, fallback: 0);
                EmitNative(write.Count, fallback: -1);
                EmitIds(guard.Targets.Address(), guard.Abi.StoreElements);
                break;
            case ExtentKind.Span when write.Dest == EffectExtent.This:
            {
                var element = ((GenericInstanceType)callee.DeclaringType).GenericArguments[0];
                Emit(Instruction.Create(OpCodes.Dup)); // a byref to the span the method is called on
                Emit(Instruction.Create(OpCodes.Ldobj, guard.Abi.SpanOf(element)));
                EmitIds(guard.Targets.Address(), guard.Abi.StoreSpan(element));
                break;
            }
            case ExtentKind.Span:
                EmitSpanLike(write.Dest);
                break;
            case ExtentKind.Object:
                if (write.Dest == EffectExtent.This) Emit(Instruction.Create(OpCodes.Dup));
                else Load(write.Dest);
                EmitIds(guard.Targets.Object(), guard.Abi.StoreObject);
                break;
            case ExtentKind.Pointer:
                Load(write.Dest);
                if (write.Start >= 0)
                {
                    Load(write.Start);
                    Emit(Instruction.Create(OpCodes.Conv_I));
                    Emit(Instruction.Create(OpCodes.Add));
                }
                if (write.Count >= 0)
                {
                    Load(write.Count);
                    Emit(Instruction.Create(OpCodes.Conv_U));
                    if (write.Scale == EffectExtent.SizeOfTypeArgument)
                    {
                        EmitSizeOf(((GenericInstanceType)callee.DeclaringType).GenericArguments[0]);
                        Emit(Instruction.Create(OpCodes.Mul));
                    }
                    else if (write.Scale != 1) EmitScale(write.Scale);
                }
                else EmitConst(write.Scale);
                EmitIds(guard.Targets.Address(), guard.Abi.StoreAddress);
                break;
            case ExtentKind.PointerSizeOfT:
                Load(write.Dest);
                EmitSizeOf(((GenericInstanceMethod)callee).GenericArguments[0]);
                EmitIds(guard.Targets.Address(), guard.Abi.StoreAddress);
                break;
            case ExtentKind.Vector:
                EmitVector(write);
                break;
        }
    }

    // A vector store writes the full width of its value operands at its address (+ an element offset).
    private void EmitVector(EffectExtent write)
    {
        var destType = ParameterType(write.Dest);
        var element = destType is ByReferenceType r ? r.ElementType : ((PointerType)destType).ElementType;
        Load(write.Dest);
        if (write.Start >= 0)
        {
            Load(write.Start);
            Emit(Instruction.Create(OpCodes.Conv_U));
            EmitSizeOf(element);
            Emit(Instruction.Create(OpCodes.Mul));
            Emit(Instruction.Create(OpCodes.Add));
        }
        bool first = true;
        for (int i = 0; i < callee.Parameters.Count; i++)
        {
            if (i == write.Dest || i == write.Start) continue;
            var type = ParameterType(i);
            if (type is PointerType or ByReferenceType) continue;
            EmitSizeOf(type);
            if (!first) Emit(Instruction.Create(OpCodes.Add));
            first = false;
        }
        if (first) EmitConst(1);
        EmitIds(guard.Targets.Address(), guard.Abi.StoreAddress);
    }

    // Span<T> by value; Memory<T> through its Span property (the memory's current extent).
    private void EmitSpanLike(int index)
    {
        var type = (GenericInstanceType)ParameterType(index);
        var element = type.GenericArguments[0];
        if (type.ElementType.FullName == "System.Memory`1")
        {
            Emit(Instruction.Create(OpCodes.Ldloca, args![index]));
            Emit(Instruction.Create(OpCodes.Call, guard.Abi.MemorySpan(type)));
        }
        else Load(index);
        EmitIds(guard.Targets.Address(), guard.Abi.StoreSpan(element));
    }

    private void Load(int index) => Emit(Instruction.Create(OpCodes.Ldloc, args![index]));

    private void EmitNative(int index, int fallback)
    {
        Emit(index >= 0 ? Instruction.Create(OpCodes.Ldloc, args![index]) : Instruction.Create(OpCodes.Ldc_I4, fallback));
        Emit(Instruction.Create(OpCodes.Conv_I));
    }

    private void EmitScale(int scale)
    {
        EmitConst(scale);
        Emit(Instruction.Create(OpCodes.Mul));
    }

    private void EmitConst(int value)
    {
        Emit(Instruction.Create(OpCodes.Ldc_I4, value));
        Emit(Instruction.Create(OpCodes.Conv_U));
    }

    private void EmitSizeOf(TypeReference type)
    {
        Emit(Instruction.Create(OpCodes.Sizeof, type));
        Emit(Instruction.Create(OpCodes.Conv_U));
    }

    private void EmitIds(int targetId, MethodReference check) => code.AddRange(guard.CheckCall(method, ilOffset, lines, targetId, check));

    private void Emit(Instruction instruction) => code.Add(instruction);
}
