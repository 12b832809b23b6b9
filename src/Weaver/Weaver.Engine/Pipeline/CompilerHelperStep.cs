using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Escapes;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// Compiler-generated inline-array helpers are checked by what they do: the body of each helper the compiler wrote
/// (<see cref="CompilerHelpers"/>: <c>&lt;PrivateImplementationDetails&gt;::InlineArrayAsSpan</c> and friends, whose
/// <c>Unsafe.As&lt;TBuffer, TElement&gt;</c> would otherwise be refused as type confusion for an element that holds
/// references) becomes a call of <c>GuardRuntime.InlineArrayShims</c>, which makes the view only of an
/// <c>[InlineArray]</c> struct of the element and only within its length. Runs before every step that reads or rewrites
/// calls, so none of them sees the helper's original <c>Unsafe</c> calls. What the view is used for (stores through the
/// span or element, spans passed to the framework) is checked as in any code.
/// </summary>
public sealed class CompilerHelperStep : IWeaveStep
{
    /// <inheritdoc/>
    public void Run(WeaveContext context)
    {
        if (context.Guards is not { } guard) return;
        var helpers = CompilerHelpers.Recognise(context.Module);
        if (helpers.Count == 0) return;
        var shims = ShimCalls.AbiType(context, nameof(GuardRuntime.InlineArrayShims));
        foreach (var helper in helpers)
        {
            var body = helper.Body;
            body.Instructions.Clear();
            body.Variables.Clear();
            var il = body.GetILProcessor();
            for (int i = 0; i < helper.Parameters.Count; i++) il.Emit(OpCodes.Ldarg, helper.Parameters[i]);
            var shim = Shim(shims, helper);
            il.Emit(OpCodes.Call, new GenericInstanceMethod(shim) { GenericArguments = { helper.GenericParameters[0], helper.GenericParameters[1] } });
            il.Emit(OpCodes.Ret);
            helper.DebugInformation.SequencePoints.Clear();
            guard.Report.CountGuard("compiler:inline-array-view", TypeNames.Method(helper));
        }
    }

    // InlineArrayShims::<name><TBuffer, TElement>, the helper's signature over the shim's own generic parameters.
    private static MethodReference Shim(TypeReference shims, MethodDefinition helper)
    {
        var shim = new MethodReference(helper.Name, helper.Module.TypeSystem.Void, shims) { HasThis = false };
        var parameters = new[] { new GenericParameter("TBuffer", shim), new GenericParameter("TElement", shim) };
        foreach (var p in parameters) shim.GenericParameters.Add(p);
        shim.ReturnType = Map(helper.ReturnType, parameters);
        foreach (var p in helper.Parameters) shim.Parameters.Add(new ParameterDefinition(Map(p.ParameterType, parameters)));
        return shim;
    }

    // The helper's own !!0/!!1 as the shim's; modifiers dropped (the shims are static, their signatures carry none).
    private static TypeReference Map(TypeReference type, GenericParameter[] parameters) => type switch
    {
        GenericParameter { Type: GenericParameterType.Method } g => parameters[g.Position],
        RequiredModifierType r => Map(r.ElementType, parameters),
        OptionalModifierType o => Map(o.ElementType, parameters),
        ByReferenceType b => new ByReferenceType(Map(b.ElementType, parameters)),
        GenericInstanceType i => Instance(i, parameters),
        _ => type,
    };

    private static GenericInstanceType Instance(GenericInstanceType instance, GenericParameter[] parameters)
    {
        var mapped = new GenericInstanceType(instance.ElementType);
        foreach (var a in instance.GenericArguments) mapped.GenericArguments.Add(Map(a, parameters));
        return mapped;
    }
}
