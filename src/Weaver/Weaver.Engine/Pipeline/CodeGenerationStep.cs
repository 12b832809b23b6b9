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
        var shims = ShimCalls.AbiType(context, nameof(GuardRuntime.CodeGenerationShims));
        foreach (var type in context.Module.GetTypes().ToList())
        {
            if (type == guard.ModuleField.DeclaringType) continue;
            foreach (var method in type.Methods.Where(m => m.HasBody)) Rewrite(context, guard, shims, method);
        }
    }

    private static void Rewrite(WeaveContext context, GuardContext guard, TypeReference shims, MethodDefinition method)
    {
        var work = new List<ShimCall>();
        foreach (var instruction in method.Body.Instructions)
        {
            if (instruction.Operand is not MethodReference callee || !Framework.IsFramework(Framework.ScopeOf(callee.DeclaringType))) continue;
            var typeName = TypeNames.Reflection(callee.DeclaringType);
            var shim = ShimCatalogue.Find(typeName, callee.Name, EffectSignature.Of(callee)) is { TakesSite: false } found ? found : null;
            var refusal = shim is null ? ShimCatalogue.Uncoverable(typeName, callee.Name, TakesExpression(callee, typeName)) : null;
            if (shim is null && refusal is null) continue;
            switch (instruction.OpCode.Code)
            {
                case Code.Call or Code.Callvirt or Code.Newobj:
                    work.Add(new ShimCall(instruction, callee, shim, shims, TakesSite: false));
                    break;
                case Code.Ldftn or Code.Ldvirtftn:
                    ShimCalls.RefuseFunctionPointer(context, method, instruction, $"{typeName}::{callee.Name}",
                        "code generation and loading are checked at run time with the calling module's identity, which a delegate cannot carry");
                    break;
            }
        }
        ShimCalls.Rewrite(context, guard, method, work, "codegen");
    }

    // A framework member outside System.Linq.Expressions that takes an expression tree (Queryable.Where, IQueryProvider.Execute).
    private static bool TakesExpression(MethodReference callee, string typeName) =>
        !typeName.StartsWith("System.Linq.Expressions.", StringComparison.Ordinal)
        && callee.Parameters.Any(p => IsExpression(p.ParameterType));

    private static bool IsExpression(TypeReference type) =>
        type.GetElementType() is { Namespace: "System.Linq.Expressions" } t && t.Name.Contains("Expression", StringComparison.Ordinal);
}
