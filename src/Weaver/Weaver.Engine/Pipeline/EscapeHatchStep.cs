using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Escapes;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// Closes the ways a module can write without a store instruction of its own: library calls that write for it
/// (checked by destination, from <see cref="WriteApiTable"/>), <c>ref</c>/<c>out</c> arguments to external methods
/// (checked by address), and calls into the host (checked against the policy's call rules). What no guard can check
/// (reflection writes, code generation, loading unwoven code, P/Invoke, <c>calli</c>, typed references) is refused.
/// </summary>
public sealed class EscapeHatchStep : IWeaveStep
{
    /// <inheritdoc/>
    public void Run(WeaveContext context)
    {
        if (context.Guards is not { } guard) return;
        var module = context.Module;
        foreach (var type in module.GetTypes().ToList())
        {
            if (type == guard.ModuleField.DeclaringType) continue;
            foreach (var method in type.Methods)
            {
                if (method.IsPInvokeImpl)
                    Refuse(context, method, 0, $"declares a P/Invoke to '{method.PInvokeInfo?.Module?.Name}!{method.PInvokeInfo?.EntryPoint ?? method.Name}'", "native code can write anywhere", method.Name);
                if (method.HasBody) Rewrite(context, guard, method);
            }
        }
    }

    private static void Rewrite(WeaveContext context, GuardContext guard, MethodDefinition method)
    {
        var body = method.Body;
        var work = new List<(Instruction Call, CallChecks Checks)>();
        foreach (var instruction in body.Instructions)
        {
            switch (instruction.OpCode.Code)
            {
                case Code.Calli:
                    Refuse(context, method, instruction.Offset, "calls through a function pointer (calli)", "the target is unknown and may be native code or unwoven IL", "calli");
                    break;
                case Code.Mkrefany or Code.Refanyval:
                    Refuse(context, method, instruction.Offset, $"uses a typed reference ({instruction.OpCode.Name})", "writes through a TypedReference are not visible to the guard", instruction.OpCode.Name);
                    break;
                case Code.Call or Code.Callvirt or Code.Newobj when instruction.Operand is MethodReference callee && !IsRuntime(callee):
                    if (Classify(context, guard, method, instruction, callee) is { Any: true } checks) work.Add((instruction, checks));
                    break;
            }
        }
        if (work.Count == 0) return;
        var lines = new SourceLines(method);
        body.SimplifyMacros();
        var scratch = new ScratchLocals(body);
        var name = TypeNames.Method(method);
        foreach (var (call, checks) in work)
        {
            var run = MethodGuardRewriter.WithPrefixes(call);
            var sequence = new CallGuardSequence(guard, method, scratch, call, run[..^1], lines).Build(checks);
            MethodGuardRewriter.Splice(body.GetILProcessor(), run, sequence);
            if (checks.Write is not null) guard.Report.CountGuard("call:" + checks.Write.Type + "::" + checks.Write.Method, name);
            foreach (var _ in checks.ByrefParameters) guard.Report.CountGuard("call:byref-argument", name);
            if (checks.HostCall) guard.Report.CountGuard("call:host", name);
        }
        body.OptimizeMacros();
    }

    private static CallChecks? Classify(WeaveContext context, GuardContext guard, MethodDefinition method, Instruction call, MethodReference callee)
    {
        var scope = ScopeOf(callee.DeclaringType);
        if (scope == guard.Module.Assembly.Name.Name) return null; // the module's own code is woven itself
        var typeName = TypeNames.Reflection(callee.DeclaringType);
        var first = callee.Parameters.Count > 0 ? callee.Parameters[0].ParameterType.FullName : null;
        if (RefusedApiTable.WhyRefused(typeName, callee.Name, first) is { } why)
        {
            Refuse(context, method, call.Offset, $"calls {typeName}::{callee.Name}", why, $"{typeName}::{callee.Name}");
            return null;
        }
        var write = WriteApiTable.Find(typeName, callee.Name, callee.Parameters.Count, first);
        var byrefs = Enumerable.Range(0, callee.Parameters.Count)
            .Where(i => callee.Parameters[i].ParameterType is ByReferenceType && !IsReadOnly(callee.Parameters[i]))
            .ToList();
        bool host = !IsFramework(scope);
        return new CallChecks(write, byrefs, host);
    }

    // 'in' and 'ref readonly' parameters are read, never written, by the callee.
    private static bool IsReadOnly(ParameterDefinition parameter) =>
        parameter.IsIn || parameter.CustomAttributes.Any(a => a.AttributeType.Name is "IsReadOnlyAttribute" or "RequiresLocationAttribute")
        || parameter.ParameterType is ByReferenceType { ElementType: RequiredModifierType { ModifierType.Name: "InAttribute" } };

    private static bool IsRuntime(MethodReference callee) =>
        ScopeOf(callee.DeclaringType) is "GuardRuntime" or "KcrRuntime";

    private static bool IsFramework(string? scope) =>
        scope is null or "netstandard" or "mscorlib" or "System" || scope.StartsWith("System.", StringComparison.Ordinal) || scope.StartsWith("Microsoft.", StringComparison.Ordinal);

    private static string? ScopeOf(TypeReference type)
    {
        while (type.DeclaringType is not null && type is not GenericInstanceType) type = type.DeclaringType;
        return type.GetElementType().Scope switch
        {
            ModuleDefinition m => m.Assembly.Name.Name,
            AssemblyNameReference a => a.Name,
            _ => null,
        };
    }

    private static void Refuse(WeaveContext context, MethodDefinition method, int ilOffset, string what, string why, string api)
    {
        var (document, line) = new SourceLines(method).At(ilOffset);
        bool allowed = context.Options.AllowUnchecked.Any(p => p == "*" || api.StartsWith(p.TrimEnd('*'), StringComparison.Ordinal));
        var message = $"{TypeNames.Method(method)} at IL_{ilOffset:x4} {what}: {why}. " +
                      (allowed ? "Allowed unchecked by --allow-unchecked." : "Refused; pass --allow-unchecked \"" + api + "\" to keep it unchecked in a trusted module.");
        var diagnostic = new WeaverDiagnostic(allowed ? DiagnosticCodes.UncheckedApiAllowed : DiagnosticCodes.UncheckableApi,
            allowed ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, message, document ?? context.Options.InputPath, line);
        if (allowed) context.Add(diagnostic);
        else throw new WeaverException(diagnostic);
    }
}
