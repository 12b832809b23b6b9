using System.Reflection;
using System.Reflection.Emit;

namespace GuardRuntime.CodeGeneration;

internal sealed partial class GuardingILGenerator
{
    private void Call(OpCode opcode, MethodBase callee, Type[]? optional)
    {
        Allow(opcode);
        AfterReferenceAddress(opcode, null);
        if (optional is { Length: > 0 })
            throw Refuse(opcode, "a varargs call's extra arguments are outside every check");
        if (opcode.Value == OpCodes.Ldtoken.Value)
        {
            Instruction(() => EmitMember(opcode, callee));
            return;
        }
        bool pointer = opcode.Value == OpCodes.Ldftn.Value || opcode.Value == OpCodes.Ldvirtftn.Value;
        var plan = CallPlan.For(callee, module, pointer);
        var what = $"{opcode.Name} {(callee.DeclaringType is { } t ? DynamicTargets.MethodName(callee) : callee.Name)}";
        if (plan.Refusal is { } why) throw Refuse(what, why);
        if (plan.Shim is { } shim)
        {
            if (constrained is not null) throw Refuse(what, "a constrained call to a code-generation API cannot be redirected");
            real.Emit(OpCodes.Ldsfld, handle);
            Instruction(() => real.Emit(OpCodes.Call, shim));
            return;
        }
        if (plan.HostCall)
            Check(TargetKind.Call, DynamicTargets.MethodName(callee), AssemblyOf(callee.DeclaringType!), CallCheck);
        if (plan.NeedsArguments) CheckArguments(what, opcode, callee, plan);
        Instruction(() => EmitMember(opcode, callee));
    }

    private void EmitMember(OpCode opcode, MethodBase callee)
    {
        if (callee is ConstructorInfo constructor) real.Emit(opcode, constructor);
        else real.Emit(opcode, (MethodInfo)callee);
    }

    // [receiver?, args...] -> stloc each (last first); whole-object and by-address checks; ldloc each; call.
    private void CheckArguments(string what, OpCode opcode, MethodBase callee, CallPlan plan)
    {
        if (constrained is not null) throw Refuse(what, "a constrained call whose receiver may be written cannot be checked");
        var parameters = callee.GetParameters();
        bool receiver = !callee.IsStatic && opcode.Value != OpCodes.Newobj.Value;
        var types = new List<Type>();
        if (receiver) types.Add(callee.DeclaringType!.IsValueType ? callee.DeclaringType.MakeByRefType() : callee.DeclaringType);
        types.AddRange(parameters.Select(p => p.ParameterType));
        var locals = types.Select(t => real.DeclareLocal(t)).ToArray();
        for (int i = locals.Length - 1; i >= 0; i--) real.Emit(OpCodes.Stloc, locals[i]);
        int offset = receiver ? 1 : 0;
        foreach (var index in plan.Objects)
        {
            if (index == -1 && !receiver) continue; // a constructor's new object is fresh
            real.Emit(OpCodes.Ldloc, locals[index + offset]);
            Check(TargetKind.Object, "*", null, StoreObjectCheck);
        }
        foreach (var index in plan.Byrefs)
        {
            real.Emit(OpCodes.Ldloc, locals[index + offset]);
            Size(parameters[index].ParameterType.GetElementType()!, null);
            Check(TargetKind.Address, "*", null, StoreAddressCheck);
        }
        foreach (var local in locals) real.Emit(OpCodes.Ldloc, local);
    }
}
