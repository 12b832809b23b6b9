using Mono.Cecil;

namespace Weaver.Engine.Escapes;

/// <summary>
/// The spelling of a framework member's parameter list in the effect model: Cecil full names without spaces or
/// modifiers, generic parameters by position (<c>!0</c> of the type, <c>!!0</c> of the method). The same text comes out
/// of a member reference in a module and of the definition in a reference assembly, so rows match on full signatures.
/// </summary>
public static class EffectSignature
{
    /// <summary>The parameter list of <paramref name="method"/> (unsubstituted: the definition's own view).</summary>
    public static string Of(MethodReference method) => string.Join(",", method.Parameters.Select(p => Type(p.ParameterType)));

    /// <summary>The model's spelling of a declaring type: reflection-style, generic definition, <c>+</c> for nesting.</summary>
    public static string TypeName(TypeReference type) => Guards.TypeNames.Reflection(type);

    /// <summary>One type in model spelling.</summary>
    public static string Type(TypeReference type) => type switch
    {
        GenericParameter g => (g.Type == GenericParameterType.Method ? "!!" : "!") + g.Position,
        ByReferenceType b => Type(b.ElementType) + "&",
        PointerType p => Type(p.ElementType) + "*",
        ArrayType a => Type(a.ElementType) + (a.Rank == 1 ? "[]" : "[" + new string(',', a.Rank - 1) + "]"),
        GenericInstanceType gi => gi.ElementType.FullName + "<" + string.Join(",", gi.GenericArguments.Select(Type)) + ">",
        IModifierType m => Type(m.ElementType),
        _ => type.FullName,
    };
}
