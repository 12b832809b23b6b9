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

    /// <summary>
    /// The type of parameter <paramref name="index"/> of <paramref name="method"/> at a call site, with the declaring
    /// type's (<c>!0</c>) and the method's (<c>!!0</c>) generic parameters replaced by the call's arguments.
    /// </summary>
    public static TypeReference ParameterType(MethodReference method, int index)
    {
        var type = StripModifiers(method.Parameters[index].ParameterType);
        if (method.DeclaringType is GenericInstanceType owner) type = Substitute(type, owner.GenericArguments);
        if (method is GenericInstanceMethod generic) type = Substitute(type, generic.GenericArguments, GenericParameterType.Method);
        return type;
    }

    /// <summary>The return type of <paramref name="method"/> at a call site, generic parameters replaced as above.</summary>
    public static TypeReference ReturnType(MethodReference method)
    {
        var type = StripModifiers(method.ReturnType);
        if (method.DeclaringType is GenericInstanceType owner) type = Substitute(type, owner.GenericArguments);
        if (method is GenericInstanceMethod generic) type = Substitute(type, generic.GenericArguments, GenericParameterType.Method);
        return type;
    }

    /// <summary>Removes <c>modreq</c>/<c>modopt</c> wrappers (e.g. <c>volatile</c>), which a local's type does not carry.</summary>
    public static TypeReference StripModifiers(TypeReference type) => type switch
    {
        RequiredModifierType r => StripModifiers(r.ElementType),
        OptionalModifierType o => StripModifiers(o.ElementType),
        _ => type,
    };

    private static TypeReference Substitute(TypeReference type, IList<TypeReference> arguments, GenericParameterType kind = GenericParameterType.Type) => type switch
    {
        GenericParameter p when p.Type == kind && p.Position < arguments.Count => arguments[p.Position],
        ArrayType a => new ArrayType(Substitute(a.ElementType, arguments, kind), a.Rank),
        ByReferenceType r => new ByReferenceType(Substitute(r.ElementType, arguments, kind)),
        PointerType p => new PointerType(Substitute(p.ElementType, arguments, kind)),
        PinnedType p => new PinnedType(Substitute(p.ElementType, arguments, kind)),
        RequiredModifierType r => Substitute(r.ElementType, arguments, kind),
        OptionalModifierType o => Substitute(o.ElementType, arguments, kind),
        GenericInstanceType g => SubstituteInstance(g, arguments, kind),
        _ => type,
    };

    private static GenericInstanceType SubstituteInstance(GenericInstanceType type, IList<TypeReference> arguments, GenericParameterType kind)
    {
        var result = new GenericInstanceType(type.ElementType);
        foreach (var argument in type.GenericArguments) result.GenericArguments.Add(Substitute(argument, arguments, kind));
        return result;
    }
}
