using GuardRuntime.CodeGeneration;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;
using Weaver.Engine.Escapes;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Pipeline;

/// <summary>One call of a module redirected to a run-time shim, or replaced by a run-time refusal.</summary>
/// <param name="Call">The call, callvirt or newobj.</param>
/// <param name="Callee">The framework member it names.</param>
/// <param name="Shim">The shim that stands in for it, or null for a refusal.</param>
/// <param name="Shims">The ABI class of the shim (or of the refusal).</param>
/// <param name="TakesSite">Whether the shim (or the refusal) takes the weaver's site of the call before the handle.</param>
internal sealed record ShimCall(Instruction Call, MethodReference Callee, ShimEntry? Shim, TypeReference Shims, bool TakesSite);

/// <summary>
/// What the code-generation and reflection steps share: a call becomes a call of its shim (the original's receiver and
/// arguments, then the site when the shim takes one, then the module handle), or pops its arguments and calls the
/// shims' <c>Refused</c>, which throws at run time naming module, API and reason. The run's first instruction becomes the
/// sequence's first, so branches to the call reach the whole sequence.
/// </summary>
internal static class ShimCalls
{
    /// <summary>The ABI type <paramref name="name"/> of GuardRuntime.Abi as the module references it.</summary>
    public static TypeReference AbiType(WeaveContext context, string name) =>
        new("GuardRuntime", name, context.Module, RuntimeReferences.Get(context.Module, typeof(GuardRuntime.Guard).Assembly));

    public static void Rewrite(WeaveContext context, GuardContext guard, MethodDefinition method, IReadOnlyList<ShimCall> work,
        string counter)
    {
        if (work.Count == 0) return;
        method.Body.SimplifyMacros();
        var il = method.Body.GetILProcessor();
        var lines = context.Original.LinesOf(method);
        var name = TypeNames.Method(method);
        foreach (var item in work)
        {
            var (call, callee, shim, shims, takesSite) = item;
            bool constructor = call.OpCode.Code == Code.Newobj;
            var run = MethodGuardRewriter.WithPrefixes(call);
            var sequence = new List<Instruction>();
            int offset = context.Original.OffsetOf(call); // the site names the call where it is in the input
            Instruction Site() =>
                Instruction.Create(OpCodes.Ldc_I4, guard.Sites.Add(method, offset, guard.Targets.Object(), lines));
            if (shim is not null)
            {
                if (takesSite) sequence.Add(Site());
                sequence.Add(Instruction.Create(OpCodes.Ldsfld, guard.ModuleField));
                sequence.AddRange(run[..^1].Select(GuardContext.Copy)); // prefixes stay next to the call
                sequence.Add(Instruction.Create(OpCodes.Call, ShimReference(guard, shims, callee, shim, constructor, takesSite)));
                guard.Report.CountGuard(counter + ":" + shim.Shim.Name, name);
            }
            else
            {
                int pops = callee.Parameters.Count + (callee.HasThis && !constructor ? 1 : 0);
                for (int i = 0; i < pops; i++) sequence.Add(Instruction.Create(OpCodes.Pop));
                sequence.Add(Instruction.Create(OpCodes.Ldstr, Api(callee)));
                if (takesSite) sequence.Add(Site());
                sequence.Add(Instruction.Create(OpCodes.Ldsfld, guard.ModuleField));
                sequence.Add(Instruction.Create(OpCodes.Call, RefusedReference(guard, shims, callee, constructor, takesSite)));
                guard.Report.CountGuard(counter + ":refused-at-run-time", name);
            }
            if (sequence.Count < run.Length)
                sequence.AddRange(Enumerable.Repeat(0, run.Length - sequence.Count).Select(_ => Instruction.Create(OpCodes.Nop)));
            MethodGuardRewriter.Splice(il, run, sequence);
        }
        method.Body.OptimizeMacros();
    }

    /// <summary>How a refusal names the member: <c>Ns.Type::Member(parameters)</c>.</summary>
    public static string Api(MethodReference callee) =>
        $"{TypeNames.Reflection(callee.DeclaringType)}::{callee.Name}({EffectSignature.Of(callee)})";

    // The shim as the module sees it: (receiver,) the original's parameters, (the site,) the module handle; the original's
    // return. A shim generic over the declaring type's arguments (Expression<TDelegate>.Compile) or the method's own
    // (CreateDelegate<T>, CreateInstance<T>) names them as its own method parameters.
    public static MethodReference ShimReference(GuardContext guard, TypeReference shims, MethodReference callee, ShimEntry entry,
        bool constructor, bool takesSite)
    {
        var ts = guard.Module.TypeSystem;
        var shim = new MethodReference(entry.Shim.Name, ts.Void, shims) { HasThis = false };
        void Trailing()
        {
            if (takesSite) shim.Parameters.Add(new ParameterDefinition(ts.Int32));
            shim.Parameters.Add(new ParameterDefinition(guard.Abi.ModuleGuard));
        }
        if (entry.Shim.IsGenericMethodDefinition)
        {
            var parameter = new GenericParameter(entry.Shim.GetGenericArguments()[0].Name, shim);
            shim.GenericParameters.Add(parameter);
            shim.ReturnType = parameter;
            if (callee.DeclaringType is GenericInstanceType owner)
            {
                // Expression<TDelegate>.Compile(...): the receiver is Expression<!!0>.
                shim.Parameters.Add(new ParameterDefinition(new GenericInstanceType(owner.ElementType) { GenericArguments = { parameter } }));
                foreach (var p in callee.Parameters) shim.Parameters.Add(new ParameterDefinition(p.ParameterType));
                Trailing();
                return new GenericInstanceMethod(shim) { GenericArguments = { owner.GenericArguments[0] } };
            }
            // Generic over the method's own argument; the receiver, if any, is the declaring type.
            if (callee.HasThis) shim.Parameters.Add(new ParameterDefinition(callee.DeclaringType));
            foreach (var p in callee.Parameters) shim.Parameters.Add(new ParameterDefinition(p.ParameterType));
            Trailing();
            return new GenericInstanceMethod(shim) { GenericArguments = { ((GenericInstanceMethod)callee).GenericArguments[0] } };
        }
        shim.ReturnType = constructor ? callee.DeclaringType : callee.ReturnType;
        if (callee.HasThis && !constructor) shim.Parameters.Add(new ParameterDefinition(callee.DeclaringType));
        foreach (var p in callee.Parameters) shim.Parameters.Add(new ParameterDefinition(p.ParameterType));
        Trailing();
        return shim;
    }

    // Refused(string, [int,] ModuleHandle) or Refused<T>(string, [int,] ModuleHandle) with T the call's result type.
    private static MethodReference RefusedReference(GuardContext guard, TypeReference shims, MethodReference callee, bool constructor,
        bool takesSite)
    {
        var ts = guard.Module.TypeSystem;
        var refused = new MethodReference(nameof(GuardRuntime.CodeGenerationShims.Refused), ts.Void, shims) { HasThis = false };
        refused.Parameters.Add(new ParameterDefinition(ts.String));
        if (takesSite) refused.Parameters.Add(new ParameterDefinition(ts.Int32));
        refused.Parameters.Add(new ParameterDefinition(guard.Abi.ModuleGuard));
        var result = constructor ? callee.DeclaringType : GenericSubstitution.ReturnType(callee);
        if (result.MetadataType == MetadataType.Void) return refused;
        var t = new GenericParameter("T", refused);
        refused.GenericParameters.Add(t);
        refused.ReturnType = t;
        return new GenericInstanceMethod(refused) { GenericArguments = { result } };
    }

    /// <summary>Reports a function pointer (<c>ldftn</c>) to a member that must run through a shim: refused at weave time.</summary>
    public static void RefuseFunctionPointer(WeaveContext context, MethodDefinition method, Instruction at, string api, string why) =>
        Refusals.Report(context, method, at, $"takes a function pointer to {api}", why + "; call it directly", api);
}
