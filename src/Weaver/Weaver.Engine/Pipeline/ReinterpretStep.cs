using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// Reinterpretations the weaver can check instead of refusing: <c>Unsafe.As&lt;T&gt;(object)</c> becomes
/// <c>castclass T</c> (a wrong type throws <c>InvalidCastException</c> as a cast would; correct code behaves the same),
/// and <c>Unsafe.As&lt;TFrom, TTo&gt;(ref TFrom)</c> between different types that hold no object references becomes
/// <c>GuardRuntime.ReferenceShims.As</c>, which checks the <c>sizeof(TTo)</c> bytes the new reference reaches where it
/// is formed. A reinterpretation involving references is left alone for <see cref="EscapeHatchStep"/> to refuse (it forges
/// references; no check makes it sound). Runs before that step, whose read-only rule follows an address through the shim
/// (a call that returns an address derived from its argument) as it followed it through <c>Unsafe.As</c>.
/// </summary>
public sealed class ReinterpretStep : IWeaveStep
{
    /// <inheritdoc/>
    public void Run(WeaveContext context)
    {
        if (context.Guards is not { } guard) return;
        var shims = ShimCalls.AbiType(context, nameof(GuardRuntime.ReferenceShims));
        foreach (var type in context.Module.GetTypes().ToList())
        {
            if (type == guard.ModuleField.DeclaringType) continue;
            foreach (var method in type.Methods.Where(m => m.HasBody)) Rewrite(context, guard, shims, method);
        }
    }

    private static void Rewrite(WeaveContext context, GuardContext guard, TypeReference shims, MethodDefinition method)
    {
        var reinterpretations = new List<(Instruction Call, GenericInstanceMethod Callee)>();
        foreach (var instruction in method.Body.Instructions)
        {
            if (instruction.OpCode.Code != Code.Call || instruction.Operand is not GenericInstanceMethod callee
                || callee.Name != "As" || TypeNames.Reflection(callee.DeclaringType) != "System.Runtime.CompilerServices.Unsafe"
                || !Framework.IsFramework(Framework.ScopeOf(callee.DeclaringType)))
                continue;
            if (callee.GenericArguments.Count == 1 && callee.Parameters.Count == 1)
            {
                // Unsafe.As<T>(object) is a cast the runtime does not check; castclass checks it, with the same result.
                instruction.OpCode = OpCodes.Castclass;
                instruction.Operand = callee.GenericArguments[0];
                guard.Report.CountGuard("reinterpret:castclass", TypeNames.Method(method));
            }
            else if (callee.GenericArguments.Count == 2 && callee.Parameters.Count == 1
                     && callee.GenericArguments[0].FullName != callee.GenericArguments[1].FullName
                     && Escapes.TypeConfusion.WhyRefused(callee) is null)
                reinterpretations.Add((instruction, callee));
        }
        if (reinterpretations.Count == 0) return;
        method.Body.SimplifyMacros();
        var il = method.Body.GetILProcessor();
        var lines = context.Original.LinesOf(method);
        foreach (var (call, callee) in reinterpretations)
        {
            var site = guard.Sites.Add(method, context.Original.OffsetOf(call), guard.Targets.Address(), lines);
            var run = MethodGuardRewriter.WithPrefixes(call);
            MethodGuardRewriter.Splice(il, run,
            [
                Instruction.Create(OpCodes.Ldc_I4, site),
                Instruction.Create(OpCodes.Ldsfld, guard.ModuleField),
                Instruction.Create(OpCodes.Call, Shim(guard, shims, callee)),
            ]);
            guard.Report.CountGuard("reinterpret:formed-reference", TypeNames.Method(method));
        }
        method.Body.OptimizeMacros();
    }

    // ref !!1 ReferenceShims::As<TFrom, TTo>(ref !!0, int32, ModuleHandle), instantiated as the call was.
    private static MethodReference Shim(GuardContext guard, TypeReference shims, GenericInstanceMethod callee)
    {
        var ts = guard.Module.TypeSystem;
        var shim = new MethodReference(nameof(GuardRuntime.ReferenceShims.As), ts.Void, shims) { HasThis = false };
        var from = new GenericParameter("TFrom", shim);
        var to = new GenericParameter("TTo", shim);
        shim.GenericParameters.Add(from);
        shim.GenericParameters.Add(to);
        shim.ReturnType = new ByReferenceType(to);
        shim.Parameters.Add(new ParameterDefinition(new ByReferenceType(from)));
        shim.Parameters.Add(new ParameterDefinition(ts.Int32));
        shim.Parameters.Add(new ParameterDefinition(guard.Abi.ModuleGuard));
        return new GenericInstanceMethod(shim) { GenericArguments = { callee.GenericArguments[0], callee.GenericArguments[1] } };
    }
}
