using GuardRuntime.CodeGeneration;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Escapes;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// Run-time code generation and code loading are checked at run time: a module's call to a member the shim table names
/// (<c>GuardRuntime.CodeGeneration.ShimCatalogue</c>: <c>DynamicMethod</c>'s constructors and <c>GetILGenerator</c>,
/// <c>Compile</c>, <c>Assembly.Load*</c>, <c>AssemblyLoadContext.LoadFrom*</c>) becomes a call of its shim in
/// <c>GuardRuntime.CodeGenerationShims</c> with the module's handle pushed last; a code-generation or loading member
/// no check covers becomes a call that throws at run time, naming module, API and reason (so a library that falls back
/// when emission fails keeps working, checked). Runs before <see cref="EscapeHatchStep"/>, which then sees ABI calls.
/// A function pointer to any of them cannot carry the module's identity and is refused at weave time.
/// </summary>
public sealed class CodeGenerationStep : IWeaveStep
{
    /// <inheritdoc/>
    public void Run(WeaveContext context)
    {
        if (context.Guards is not { } guard) return;
        var shims = new TypeReference("GuardRuntime", nameof(GuardRuntime.CodeGenerationShims), context.Module,
            RuntimeReferences.Get(context.Module, typeof(GuardRuntime.Guard).Assembly));
        foreach (var type in context.Module.GetTypes().ToList())
        {
            if (type == guard.ModuleField.DeclaringType) continue;
            foreach (var method in type.Methods.Where(m => m.HasBody)) Rewrite(context, guard, shims, method);
        }
    }

    private static void Rewrite(WeaveContext context, GuardContext guard, TypeReference shims, MethodDefinition method)
    {
        var work = new List<(Instruction Call, MethodReference Callee, ShimEntry? Shim, string? Refusal)>();
        foreach (var instruction in method.Body.Instructions)
        {
            if (instruction.Operand is not MethodReference callee || !Framework.IsFramework(Framework.ScopeOf(callee.DeclaringType))) continue;
            var typeName = TypeNames.Reflection(callee.DeclaringType);
            var shim = ShimCatalogue.Find(typeName, callee.Name, EffectSignature.Of(callee));
            var refusal = shim is null ? ShimCatalogue.Uncoverable(typeName, callee.Name, TakesExpression(callee, typeName)) : null;
            if (shim is null && refusal is null) continue;
            switch (instruction.OpCode.Code)
            {
                case Code.Call or Code.Callvirt or Code.Newobj:
                    work.Add((instruction, callee, shim, refusal));
                    break;
                case Code.Ldftn or Code.Ldvirtftn:
                    RefuseFunctionPointer(context, method, instruction, $"{typeName}::{callee.Name}");
                    break;
            }
        }
        if (work.Count == 0) return;
        method.Body.SimplifyMacros();
        var il = method.Body.GetILProcessor();
        var name = TypeNames.Method(method);
        foreach (var (call, callee, shim, refusal) in work)
        {
            var run = MethodGuardRewriter.WithPrefixes(call);
            var sequence = new List<Instruction>();
            if (shim is not null)
            {
                sequence.Add(Instruction.Create(OpCodes.Ldsfld, guard.ModuleField));
                sequence.AddRange(run[..^1].Select(GuardContext.Copy));
                sequence.Add(Instruction.Create(OpCodes.Call, ShimReference(guard, shims, callee, shim, call.OpCode.Code == Code.Newobj)));
                guard.Report.CountGuard("codegen:" + shim.Shim.Name, name);
            }
            else
            {
                // Pop what the call would have consumed, then throw at run time with the reason.
                int pops = callee.Parameters.Count + (callee.HasThis && call.OpCode.Code != Code.Newobj ? 1 : 0);
                for (int i = 0; i < pops; i++) sequence.Add(Instruction.Create(OpCodes.Pop));
                sequence.Add(Instruction.Create(OpCodes.Ldstr, $"{TypeNames.Reflection(callee.DeclaringType)}::{callee.Name}({EffectSignature.Of(callee)})"));
                sequence.Add(Instruction.Create(OpCodes.Ldsfld, guard.ModuleField));
                sequence.Add(Instruction.Create(OpCodes.Call, RefusedReference(guard, shims, callee, call.OpCode.Code == Code.Newobj)));
                guard.Report.CountGuard("codegen:refused-at-run-time", name);
            }
            // The run's first instruction becomes the sequence's first, so branches to the call reach the whole sequence.
            if (sequence.Count < run.Length) sequence.AddRange(Enumerable.Repeat(0, run.Length - sequence.Count).Select(_ => Instruction.Create(OpCodes.Nop)));
            MethodGuardRewriter.Splice(il, run, sequence);
        }
        method.Body.OptimizeMacros();
    }

    // The shim as the module sees it: (receiver,) the original's parameters, the module handle; the original's return.
    private static MethodReference ShimReference(GuardContext guard, TypeReference shims, MethodReference callee, ShimEntry entry,
        bool constructor)
    {
        var shim = new MethodReference(entry.Shim.Name, guard.Module.TypeSystem.Void, shims) { HasThis = false };
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
                shim.Parameters.Add(new ParameterDefinition(guard.Abi.ModuleGuard));
                return new GenericInstanceMethod(shim) { GenericArguments = { owner.GenericArguments[0] } };
            }
            // MethodInfo.CreateDelegate<T>(...): generic over the method's own argument.
            shim.Parameters.Add(new ParameterDefinition(callee.DeclaringType));
            foreach (var p in callee.Parameters) shim.Parameters.Add(new ParameterDefinition(p.ParameterType));
            shim.Parameters.Add(new ParameterDefinition(guard.Abi.ModuleGuard));
            return new GenericInstanceMethod(shim) { GenericArguments = { ((GenericInstanceMethod)callee).GenericArguments[0] } };
        }
        shim.ReturnType = constructor ? callee.DeclaringType : callee.ReturnType;
        if (callee.HasThis && !constructor) shim.Parameters.Add(new ParameterDefinition(callee.DeclaringType));
        foreach (var p in callee.Parameters) shim.Parameters.Add(new ParameterDefinition(p.ParameterType));
        shim.Parameters.Add(new ParameterDefinition(guard.Abi.ModuleGuard));
        return shim;
    }

    // CodeGenerationShims.Refused(string, ModuleHandle) or Refused<T>(string, ModuleHandle) with T the call's result type.
    private static MethodReference RefusedReference(GuardContext guard, TypeReference shims, MethodReference callee, bool constructor)
    {
        var ts = guard.Module.TypeSystem;
        var refused = new MethodReference(nameof(GuardRuntime.CodeGenerationShims.Refused), ts.Void, shims) { HasThis = false };
        refused.Parameters.Add(new ParameterDefinition(ts.String));
        refused.Parameters.Add(new ParameterDefinition(guard.Abi.ModuleGuard));
        var result = constructor ? callee.DeclaringType : GenericSubstitution.ReturnType(callee);
        if (result.MetadataType == MetadataType.Void) return refused;
        var t = new GenericParameter("T", refused);
        refused.GenericParameters.Add(t);
        refused.ReturnType = t;
        return new GenericInstanceMethod(refused) { GenericArguments = { result } };
    }

    // A framework member outside System.Linq.Expressions that takes an expression tree (Queryable.Where, IQueryProvider.Execute).
    private static bool TakesExpression(MethodReference callee, string typeName) =>
        !typeName.StartsWith("System.Linq.Expressions.", StringComparison.Ordinal)
        && callee.Parameters.Any(p => IsExpression(p.ParameterType));

    private static bool IsExpression(TypeReference type) =>
        type.GetElementType() is { Namespace: "System.Linq.Expressions" } t && t.Name.Contains("Expression", StringComparison.Ordinal);

    private static void RefuseFunctionPointer(WeaveContext context, MethodDefinition method, Instruction at, string api) =>
        Refusals.Report(context, method, at, $"takes a function pointer to {api}",
            "code generation and loading are checked at run time with the calling module's identity, which a delegate "
            + "cannot carry; call it directly", api);
}
