using Mono.Cecil;

namespace Weaver.Engine.Escapes;

/// <summary>Whether a type holds object references anywhere in its layout (recursing into struct fields).</summary>
public static class TypeShapes
{
    /// <summary>
    /// True when a value of <paramref name="type"/> contains an object reference or a managed pointer at any depth: a
    /// reference type itself, a struct wrapping one (however deeply), a ref struct with a ref field. An unknown type (a
    /// generic parameter, an unresolvable reference) counts as containing references, so that callers stay sound.
    /// </summary>
    public static bool ContainsReferences(TypeReference type) => Contains(type, 0);

    private static bool Contains(TypeReference type, int depth)
    {
        if (depth > 32) return true; // a cycle through generics: give the safe answer
        switch (type)
        {
            case PointerType or FunctionPointerType: return false;
            case ByReferenceType: return true;
            case ArrayType: return true;
            case GenericParameter: return true;
            case RequiredModifierType r: return Contains(r.ElementType, depth);
            case OptionalModifierType o: return Contains(o.ElementType, depth);
        }
        if (type.IsPrimitive || type.MetadataType is MetadataType.Void) return false;
        if (type.MetadataType is MetadataType.String or MetadataType.Object) return true;
        TypeDefinition? definition;
        try { definition = type.Resolve(); }
        catch (AssemblyResolutionException) { return true; }
        if (definition is null || !definition.IsValueType) return true;
        if (definition.IsEnum) return false;
        var arguments = (type as GenericInstanceType)?.GenericArguments;
        foreach (var field in definition.Fields)
        {
            if (field.IsStatic) continue;
            var fieldType = field.FieldType;
            if (arguments is not null) fieldType = Substitute(fieldType, arguments);
            if (Contains(fieldType, depth + 1)) return true;
        }
        return false;
    }

    private static TypeReference Substitute(TypeReference type, IList<TypeReference> arguments)
    {
        switch (type)
        {
            case GenericParameter { Type: GenericParameterType.Type } p when p.Position < arguments.Count:
                return arguments[p.Position];
            case GenericInstanceType g:
                var copy = new GenericInstanceType(g.ElementType);
                foreach (var a in g.GenericArguments) copy.GenericArguments.Add(Substitute(a, arguments));
                return copy;
            case ArrayType a: return new ArrayType(Substitute(a.ElementType, arguments), a.Rank);
            case ByReferenceType b: return new ByReferenceType(Substitute(b.ElementType, arguments));
            case PointerType p: return new PointerType(Substitute(p.ElementType, arguments));
            default: return type;
        }
    }
}
