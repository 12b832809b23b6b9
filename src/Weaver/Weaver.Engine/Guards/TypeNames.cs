using Mono.Cecil;

namespace Weaver.Engine.Guards;

/// <summary>Names types the way reflection does, so that the runtime can match targets against live objects.</summary>
internal static class TypeNames
{
    /// <summary><c>Ns.Outer+Inner</c> for nested types, the definition (<c>Ns.Box`1</c>) for generic instances.</summary>
    public static string Reflection(TypeReference type) => type.GetElementType().FullName.Replace('/', '+');

    /// <summary>A readable method name for reports: <c>Ns.Type::Method(Int32,String)</c>.</summary>
    public static string Method(MethodReference method) =>
        $"{Reflection(method.DeclaringType)}::{method.Name}({string.Join(",", method.Parameters.Select(p => p.ParameterType.Name))})";
}
