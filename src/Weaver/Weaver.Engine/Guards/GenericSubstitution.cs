using Mono.Cecil;

namespace Weaver.Engine.Guards;

/// <summary>
/// Rewrites a member's declared type into the context of a use site: the field <c>T Box`1::Value</c> used as
/// <c>Box&lt;!!0&gt;::Value</c> has type <c>!!0</c> there. Cecil has no public API for this.
/// </summary>
internal static class GenericSubstitution
{
    /// <summary>The type of <paramref name="field"/> as seen through its (possibly generic instance) declaring type.</summary>
    public static TypeReference FieldType(FieldReference field)
    {
        var type = StripModifiers(field.FieldType);
        return field.DeclaringType is GenericInstanceType owner ? Substitute(type, owner.GenericArguments) : type;
    }

    /// <summary>Removes <c>modreq</c>/<c>modopt</c> wrappers (e.g. <c>volatile</c>), which a local's type does not carry.</summary>
    public static TypeReference StripModifiers(TypeReference type) => type switch
    {
        RequiredModifierType r => StripModifiers(r.ElementType),
        OptionalModifierType o => StripModifiers(o.ElementType),
        _ => type,
    };

    private static TypeReference Substitute(TypeReference type, IList<TypeReference> arguments) => type switch
    {
        GenericParameter { Type: GenericParameterType.Type } p when p.Position < arguments.Count => arguments[p.Position],
        ArrayType a => new ArrayType(Substitute(a.ElementType, arguments), a.Rank),
        ByReferenceType r => new ByReferenceType(Substitute(r.ElementType, arguments)),
        PointerType p => new PointerType(Substitute(p.ElementType, arguments)),
        PinnedType p => new PinnedType(Substitute(p.ElementType, arguments)),
        RequiredModifierType r => Substitute(r.ElementType, arguments),
        OptionalModifierType o => Substitute(o.ElementType, arguments),
        GenericInstanceType g => SubstituteInstance(g, arguments),
        _ => type,
    };

    private static GenericInstanceType SubstituteInstance(GenericInstanceType type, IList<TypeReference> arguments)
    {
        var result = new GenericInstanceType(type.ElementType);
        foreach (var argument in type.GenericArguments) result.GenericArguments.Add(Substitute(argument, arguments));
        return result;
    }
}
