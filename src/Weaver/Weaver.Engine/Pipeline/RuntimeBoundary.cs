using GuardRuntime.Abi;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// Refuses an input that references the runtimes beyond the annotations it may carry (<c>[Memoize]</c>): the guard
/// and cache controls, the ABI the weaver alone emits, and the host assemblies. Decided by assembly identity over the
/// module's whole metadata (every type and member reference, so calls, <c>ldtoken</c>/<c>typeof</c>, attributes,
/// generic arguments, base types and field types alike) with the roles of <see cref="AbiDescriptor"/>; a reference
/// to a type another assembly forwards to a runtime counts too. Every offending use is reported, with its method
/// and IL offset when it is in a body.
/// </summary>
internal static class RuntimeBoundary
{
    public static void Check(WeaveContext context)
    {
        if (context.Options.TrustedHost) return;
        var module = context.Module;
        var offending = new HashSet<MemberReference>(MemberReferenceComparer.Instance);
        foreach (var type in module.GetTypeReferences())
            if (IsRefused(type, null)) offending.Add(type);
        foreach (var member in module.GetMemberReferences())
            if (IsRefused(member.DeclaringType, member.Name)) offending.Add(member);
        if (offending.Count == 0) return;

        var reported = new HashSet<MemberReference>(MemberReferenceComparer.Instance);
        foreach (var method in module.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody))
        {
            SourceLines? lines = null;
            foreach (var instruction in method.Body.Instructions)
            {
                if (Referenced(instruction.Operand) is not { } used || !offending.Contains(used)) continue;
                MarkReported(reported, used);
                lines ??= context.Original.LinesOf(method);
                int offset = context.Original.OffsetOf(instruction);
                var (document, line) = lines.At(offset);
                context.Add(new WeaverDiagnostic(DiagnosticCodes.ForgedGuardCalls, DiagnosticSeverity.Error,
                    $"{TypeNames.Method(method)} at IL_{offset:x4} references {Describe(used)}: {Why(used)}",
                    document ?? context.Options.InputPath, line)
                {
                    Api = "runtime " + Describe(used), Method = TypeNames.Method(method), ILOffset = offset,
                });
            }
        }
        foreach (var used in offending.Where(u => !reported.Contains(u)))
            context.Add(DiagnosticCodes.ForgedGuardCalls, DiagnosticSeverity.Error,
                $"The module's metadata (an attribute, signature, base type or generic argument) references {Describe(used)}: {Why(used)}");
    }

    // A member reported where it is used accounts for its declaring type and signature types too.
    private static void MarkReported(HashSet<MemberReference> reported, MemberReference used)
    {
        reported.Add(used);
        IEnumerable<TypeReference?> types = used switch
        {
            MethodReference m => [m.DeclaringType, m.ReturnType, .. m.Parameters.Select(p => p.ParameterType)],
            FieldReference f => [f.DeclaringType, f.FieldType],
            _ => [],
        };
        foreach (var type in types)
            if (type is not null) reported.Add(type.GetElementType());
    }

    private static bool IsRefused(TypeReference? type, string? memberName)
    {
        if (type is null) return false;
        var element = type.GetElementType();
        while (element.DeclaringType is not null) element = element.DeclaringType;
        var scope = ScopeName(element);
        // The framework never forwards to our runtimes; resolving its references would only cost time.
        if (!AbiDescriptor.IsRuntimeAssembly(scope) && !Framework.IsFramework(scope)) scope = ForwardedScope(element) ?? scope;
        if (!AbiDescriptor.IsRuntimeAssembly(scope)) return false;
        return AbiDescriptor.RoleOf(scope, type.GetElementType().FullName.Replace('/', '+'), memberName) != AbiRole.Annotation;
    }

    private static string? ScopeName(TypeReference type) => type.Scope switch
    {
        AssemblyNameReference a => a.Name,
        ModuleDefinition m => m.Assembly?.Name.Name,
        _ => null,
    };

    // A type that a non-framework assembly forwards to a runtime assembly reaches the runtime all the same.
    private static string? ForwardedScope(TypeReference type)
    {
        if (type.Scope is not AssemblyNameReference) return null;
        try { return type.Resolve()?.Module.Assembly.Name.Name; }
        catch (AssemblyResolutionException) { return null; }
    }

    private static MemberReference? Referenced(object? operand) => operand switch
    {
        MethodReference m => m is GenericInstanceMethod g ? g.ElementMethod : m,
        FieldReference f => f,
        TypeReference t => t.GetElementType(),
        _ => null,
    };

    private static string Describe(MemberReference used) =>
        used is TypeReference t ? $"'{t.FullName}' ({ScopeName(t.GetElementType())})" : $"'{used.FullName}'";

    private static string Why(MemberReference used)
    {
        var scope = ScopeName((used as TypeReference ?? used.DeclaringType).GetElementType());
        return scope is not null && AbiDescriptor.HostAssemblies.Contains(scope)
            ? "the runtimes' control API (policies, regions, violations, memo tables, switches) is the host's alone; " +
              "a module may not reference it. Weave a trusted host assembly with --trusted-host instead."
            : "the guard and memoization ABI is emitted by the weaver alone; a module that calls it itself could forge " +
              "verdicts or reach other modules' tables.";
    }

    private sealed class MemberReferenceComparer : IEqualityComparer<MemberReference>
    {
        public static readonly MemberReferenceComparer Instance = new();
        public bool Equals(MemberReference? x, MemberReference? y) => x?.FullName == y?.FullName;
        public int GetHashCode(MemberReference obj) => obj.FullName.GetHashCode(StringComparison.Ordinal);
    }
}
