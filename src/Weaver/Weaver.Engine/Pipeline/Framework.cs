using Mono.Cecil;

namespace Weaver.Engine.Pipeline;

/// <summary>Which assembly a referenced member comes from, and whether that is the shared framework.</summary>
internal static class Framework
{
    /// <summary>Whether <paramref name="scope"/> (an assembly simple name) is part of the shared framework.</summary>
    public static bool IsFramework(string? scope) =>
        scope is null or "netstandard" or "mscorlib" or "System"
        || scope.StartsWith("System.", StringComparison.Ordinal) || scope.StartsWith("Microsoft.", StringComparison.Ordinal);

    /// <summary>The simple name of the assembly that defines <paramref name="type"/> (its outermost type's scope).</summary>
    public static string? ScopeOf(TypeReference type)
    {
        while (type.DeclaringType is not null && type is not GenericInstanceType) type = type.DeclaringType;
        return type.GetElementType().Scope switch
        {
            ModuleDefinition m => m.Assembly.Name.Name,
            AssemblyNameReference a => a.Name,
            _ => null,
        };
    }
}
