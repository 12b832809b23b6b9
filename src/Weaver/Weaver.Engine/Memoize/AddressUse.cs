using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Weaver.Engine.Memoize;

/// <summary>What happens to the address a <c>ldsflda</c> pushes.</summary>
internal enum AddressUseKind
{
    /// <summary>It is only read through (<c>ldfld</c>, <c>ldobj</c>, <c>ldind</c>) or dropped.</summary>
    Read,
    /// <summary>It is written through or handed to a callee (which may write): invalidate after <see cref="AddressUse.Consumer"/>.</summary>
    Write,
    /// <summary>It is stored, converted, duplicated or carried across a branch: the weaver cannot tell where writes happen.</summary>
    Escapes,
}

/// <summary>Follows a static field's address on the evaluation stack, in straight-line code, to the instruction that consumes it.</summary>
internal readonly record struct AddressUse(AddressUseKind Kind, Instruction? Consumer)
{
    /// <summary>Where the address pushed by <paramref name="load"/> (a <c>ldsflda</c>) goes.</summary>
    public static AddressUse Follow(Instruction load)
    {
        int depth = 0; // position of the tracked address below the top of the stack
        for (var instruction = load.Next; instruction is not null; instruction = instruction.Next)
        {
            var code = instruction.OpCode.Code;
            int pops = Pops(instruction);
            if (pops < 0) return new(AddressUseKind.Escapes, instruction);
            if (pops > depth)
            {
                // This instruction consumes the address (or a value above which it sits, for multi-operand stores).
                if (code is Code.Ldflda) { depth = 0; continue; } // the address of a field inside it: follow that one
                if (code is Code.Ldfld or Code.Ldobj or Code.Pop || instruction.OpCode.StackBehaviourPop == StackBehaviour.Popi && IsLoadIndirect(code))
                    return new(AddressUseKind.Read, instruction);
                if (code is Code.Call or Code.Callvirt or Code.Newobj or Code.Stfld or Code.Stobj or Code.Initobj or Code.Cpobj or Code.Cpblk or Code.Initblk
                    || IsStoreIndirect(code))
                    return new(AddressUseKind.Write, instruction);
                return new(AddressUseKind.Escapes, instruction);
            }
            if (instruction.OpCode.FlowControl is FlowControl.Branch or FlowControl.Cond_Branch or FlowControl.Return or FlowControl.Throw)
                return new(AddressUseKind.Escapes, instruction);
            int pushes = Pushes(instruction);
            depth = depth - pops + pushes;
        }
        return new(AddressUseKind.Escapes, null);
    }

    private static bool IsLoadIndirect(Code code) => code is Code.Ldind_I or Code.Ldind_I1 or Code.Ldind_I2 or Code.Ldind_I4 or Code.Ldind_I8
        or Code.Ldind_R4 or Code.Ldind_R8 or Code.Ldind_Ref or Code.Ldind_U1 or Code.Ldind_U2 or Code.Ldind_U4;

    private static bool IsStoreIndirect(Code code) => code is Code.Stind_I or Code.Stind_I1 or Code.Stind_I2 or Code.Stind_I4 or Code.Stind_I8
        or Code.Stind_R4 or Code.Stind_R8 or Code.Stind_Ref;

    // -1 when unknown (PopAll: leave, endfinally...).
    private static int Pops(Instruction instruction)
    {
        var opCode = instruction.OpCode;
        switch (opCode.StackBehaviourPop)
        {
            case StackBehaviour.Pop0: return 0;
            case StackBehaviour.Pop1 or StackBehaviour.Popi or StackBehaviour.Popref: return 1;
            case StackBehaviour.Pop1_pop1 or StackBehaviour.Popi_pop1 or StackBehaviour.Popi_popi or StackBehaviour.Popi_popi8 or StackBehaviour.Popi_popr4
                or StackBehaviour.Popi_popr8 or StackBehaviour.Popref_pop1 or StackBehaviour.Popref_popi: return 2;
            case StackBehaviour.Popi_popi_popi or StackBehaviour.Popref_popi_popi or StackBehaviour.Popref_popi_popi8 or StackBehaviour.Popref_popi_popr4
                or StackBehaviour.Popref_popi_popr8 or StackBehaviour.Popref_popi_popref: return 3;
            case StackBehaviour.Varpop when instruction.Operand is MethodReference method:
                return method.Parameters.Count + (method.HasThis && opCode.Code != Code.Newobj && !method.ExplicitThis ? 1 : 0);
            default: return -1;
        }
    }

    private static int Pushes(Instruction instruction) => instruction.OpCode.StackBehaviourPush switch
    {
        StackBehaviour.Push0 => 0,
        StackBehaviour.Push1_push1 => 2,
        StackBehaviour.Varpush => instruction.Operand is MethodReference m && (instruction.OpCode.Code == Code.Newobj || m.ReturnType.MetadataType != MetadataType.Void) ? 1 : 0,
        _ => 1,
    };
}
