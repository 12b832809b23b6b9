using System.Reflection;

namespace GuardRuntime.CodeGeneration;

/// <summary>
/// A live member's parameter list in the effect model's spelling (the weaver's <c>EffectSignature</c> on Cecil):
/// the definition's own view, generic parameters by position (<c>!0</c>, <c>!!0</c>), nested types with '/'.
/// </summary>
internal static class Signature
{
    public static string Of(MethodBase method) =>
        string.Join(",", Definition(method).GetParameters().Select(p => Type(p.ParameterType)));

    /// <summary>The generic definition of a member of a closed generic type or a generic method instance.</summary>
    public static MethodBase Definition(MethodBase method)
    {
        if (method is MethodInfo { IsGenericMethod: true, IsGenericMethodDefinition: false } generic)
            method = generic.GetGenericMethodDefinition();
        if (method.DeclaringType is { IsGenericType: true, IsGenericTypeDefinition: false })
            method = method.Module.ResolveMethod(method.MetadataToken) ?? method;
        return method;
    }

    public static string Type(Type type)
    {
        if (type.IsGenericParameter) return (type.DeclaringMethod is not null ? "!!" : "!") + type.GenericParameterPosition;
        if (type.IsByRef) return Type(type.GetElementType()!) + "&";
        if (type.IsPointer) return Type(type.GetElementType()!) + "*";
        if (type.IsArray)
        {
            int rank = type.GetArrayRank();
            return Type(type.GetElementType()!) + (type.IsSZArray ? "[]" : "[" + new string(',', rank - 1) + "]");
        }
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
            return Name(type.GetGenericTypeDefinition()) + "<" + string.Join(",", type.GetGenericArguments().Select(Type)) + ">";
        return Name(type);
    }

    private static string Name(Type type) => (type.FullName ?? type.Name).Replace('+', '/');
}
