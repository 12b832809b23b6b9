using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Escapes;

/// <summary>What one external call needs checked before it runs.</summary>
internal sealed record CallChecks(WriteApi? Write, IReadOnlyList<int> ByrefParameters, bool HostCall, IReadOnlyList<int>? SpanParameters = null)
{
    /// <summary><c>Span&lt;T&gt;</c> arguments of an external method: the callee may write every element (<c>Replace</c>, <c>TryGetBytes</c>, <c>ReadAtLeast</c>...).</summary>
    public IReadOnlyList<int> Spans => SpanParameters ?? [];

    public bool Any => Write is not null || ByrefParameters.Count > 0 || HostCall || Spans.Count > 0;
}

/// <summary>
/// Builds the instructions that replace one call: spill its arguments, check each destination it will write
/// (an array range, a span, a pointer extent, every <c>ref</c>/<c>out</c> argument) and, for host methods, the
/// policy's call rules; reload the arguments and call.
/// </summary>
internal sealed class CallGuardSequence(GuardContext guard, MethodDefinition method, ScratchLocals scratch, Instruction call, Instruction[] prefixes, SourceLines lines)
{
    private readonly List<Instruction> code = [];
    private readonly MethodReference callee = (MethodReference)call.Operand;
    private readonly int ilOffset = call.Offset;
    private TypeSystem Types => guard.Module.TypeSystem;

    public List<Instruction> Build(CallChecks checks)
    {
        if (checks.HostCall) EmitIds(guard.Targets.Call(callee), guard.Abi.Call);
        var spilled = SpillArguments(checks);
        if (checks.Write is { } write) EmitWriteCheck(write, spilled);
        foreach (var index in checks.ByrefParameters)
        {
            var element = ((ByReferenceType)GenericSubstitution.ParameterType(callee, index)).ElementType;
            Emit(Instruction.Create(OpCodes.Ldloc, spilled![index]));
            EmitSizeOf(element);
            EmitIds(guard.Targets.Address(), guard.Abi.StoreAddress);
        }
        foreach (var index in checks.Spans)
        {
            var spanType = (GenericInstanceType)GenericSubstitution.ParameterType(callee, index);
            Emit(Instruction.Create(OpCodes.Ldloc, spilled![index]));
            EmitIds(guard.Targets.Address(), guard.Abi.StoreSpan(spanType.GenericArguments[0]));
        }
        if (spilled is not null)
            foreach (var local in spilled) Emit(Instruction.Create(OpCodes.Ldloc, local));
        foreach (var prefix in prefixes) Emit(GuardContext.Copy(prefix));
        Emit(GuardContext.Copy(call));
        return code;
    }

    // Arguments are on the stack in order; they are popped last-first into one local each.
    private VariableDefinition[]? SpillArguments(CallChecks checks)
    {
        // A host-call check alone leaves the arguments where they are; every other check reads them (or, for the
        // receiver, needs them off the stack).
        if (checks.Write is null && checks.ByrefParameters.Count == 0 && checks.Spans.Count == 0 || callee.Parameters.Count == 0) return null;
        var locals = new VariableDefinition[callee.Parameters.Count];
        for (int i = callee.Parameters.Count - 1; i >= 0; i--)
        {
            locals[i] = scratch.Get(GenericSubstitution.ParameterType(callee, i), slot: 100 + i);
            Emit(Instruction.Create(OpCodes.Stloc, locals[i]));
        }
        return locals;
    }

    private void EmitWriteCheck(WriteApi write, VariableDefinition[]? args)
    {
        switch (write.Kind)
        {
            case Destination.WholeArray:
            case Destination.ArrayRange:
            case Destination.ArrayFrom:
                Emit(Instruction.Create(OpCodes.Ldloc, args![write.Dest]));
                EmitNativeArg(args, write.Kind == Destination.WholeArray ? -1 : write.Start, fallback: 0);
                EmitNativeArg(args, write.Kind == Destination.ArrayRange ? write.Count : -1, fallback: -1);
                EmitIds(guard.Targets.Address(), guard.Abi.StoreElements);
                break;
            case Destination.ThisArray:
                Emit(Instruction.Create(OpCodes.Dup)); // the receiver, below the spilled arguments
                EmitNativeArg(null, -1, fallback: 0);
                EmitNativeArg(null, -1, fallback: -1);
                EmitIds(guard.Targets.Address(), guard.Abi.StoreElements);
                break;
            case Destination.Pointer:
                Emit(Instruction.Create(OpCodes.Ldloc, args![write.Dest]));
                if (write.Start >= 0)
                {
                    Emit(Instruction.Create(OpCodes.Ldloc, args[write.Start]));
                    Emit(Instruction.Create(OpCodes.Conv_I));
                    Emit(Instruction.Create(OpCodes.Add));
                }
                if (write.Count >= 0)
                {
                    Emit(Instruction.Create(OpCodes.Ldloc, args[write.Count]));
                    Emit(Instruction.Create(OpCodes.Conv_U));
                    if (write.Scale != 1)
                    {
                        Emit(Instruction.Create(OpCodes.Ldc_I4, write.Scale));
                        Emit(Instruction.Create(OpCodes.Conv_U));
                        Emit(Instruction.Create(OpCodes.Mul));
                    }
                }
                else
                {
                    Emit(Instruction.Create(OpCodes.Ldc_I4, write.Scale));
                    Emit(Instruction.Create(OpCodes.Conv_U));
                }
                EmitIds(guard.Targets.Address(), guard.Abi.StoreAddress);
                break;
            case Destination.PointerSizeOfT:
                Emit(Instruction.Create(OpCodes.Ldloc, args![write.Dest]));
                EmitSizeOf(((GenericInstanceMethod)callee).GenericArguments[0]);
                EmitIds(guard.Targets.Address(), guard.Abi.StoreAddress);
                break;
            case Destination.Span:
            {
                var spanType = (GenericInstanceType)GenericSubstitution.ParameterType(callee, write.Dest);
                Emit(Instruction.Create(OpCodes.Ldloc, args![write.Dest]));
                EmitIds(guard.Targets.Address(), guard.Abi.StoreSpan(spanType.GenericArguments[0]));
                break;
            }
            case Destination.ThisSpan:
            {
                var element = ((GenericInstanceType)callee.DeclaringType).GenericArguments[0];
                Emit(Instruction.Create(OpCodes.Dup)); // a byref to the span the method is called on
                Emit(Instruction.Create(OpCodes.Ldobj, guard.Abi.SpanOf(element)));
                EmitIds(guard.Targets.Address(), guard.Abi.StoreSpan(element));
                break;
            }
        }
    }

    private void EmitNativeArg(VariableDefinition[]? args, int index, int fallback)
    {
        Emit(index >= 0 ? Instruction.Create(OpCodes.Ldloc, args![index]) : Instruction.Create(OpCodes.Ldc_I4, fallback));
        Emit(Instruction.Create(OpCodes.Conv_I));
    }

    private void EmitSizeOf(TypeReference type)
    {
        Emit(Instruction.Create(OpCodes.Sizeof, type));
        Emit(Instruction.Create(OpCodes.Conv_U));
    }

    private void EmitIds(int targetId, MethodReference check) => code.AddRange(guard.CheckCall(method, ilOffset, lines, targetId, check));

    private void Emit(Instruction instruction) => code.Add(instruction);
}
