using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace GuardRuntime.Verification;

/// <summary>The generic arguments a signature is read under (the declaring type's and the method's).</summary>
internal readonly record struct GenericScope(ImmutableArray<string> Type, ImmutableArray<string> Method);

/// <summary>
/// Renders signature types as strings, reflection style (<c>System.Int32</c>, <c>Ns.Outer+Inner</c>,
/// <c>System.Span`1&lt;System.Byte&gt;</c>), with <c>ref X</c> for byrefs and <c>mod M X</c> for custom modifiers so
/// that a rule can tell <c>ref modreq(In) T</c> from <c>modreq(In) ref T</c>. It also records whether each type
/// reference was named as a class or a value type, which metadata says only inside signatures.
/// </summary>
internal sealed class TypeNameProvider(MetadataReader reader, Dictionary<EntityHandle, bool>? valueTypes)
    : ISignatureTypeProvider<string, GenericScope>
{
    public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode switch
    {
        PrimitiveTypeCode.Boolean => "System.Boolean", PrimitiveTypeCode.Char => "System.Char",
        PrimitiveTypeCode.SByte => "System.SByte", PrimitiveTypeCode.Byte => "System.Byte",
        PrimitiveTypeCode.Int16 => "System.Int16", PrimitiveTypeCode.UInt16 => "System.UInt16",
        PrimitiveTypeCode.Int32 => "System.Int32", PrimitiveTypeCode.UInt32 => "System.UInt32",
        PrimitiveTypeCode.Int64 => "System.Int64", PrimitiveTypeCode.UInt64 => "System.UInt64",
        PrimitiveTypeCode.Single => "System.Single", PrimitiveTypeCode.Double => "System.Double",
        PrimitiveTypeCode.IntPtr => "System.IntPtr", PrimitiveTypeCode.UIntPtr => "System.UIntPtr",
        PrimitiveTypeCode.String => "System.String", PrimitiveTypeCode.Object => "System.Object",
        PrimitiveTypeCode.TypedReference => "System.TypedReference", _ => "System.Void",
    };

    public string GetTypeFromDefinition(MetadataReader r, TypeDefinitionHandle handle, byte rawTypeKind) =>
        Record(handle, rawTypeKind, TypeNames.Of(r, handle));

    public string GetTypeFromReference(MetadataReader r, TypeReferenceHandle handle, byte rawTypeKind) =>
        Record(handle, rawTypeKind, TypeNames.Of(r, handle));

    public string GetTypeFromSpecification(MetadataReader r, GenericScope scope, TypeSpecificationHandle handle,
        byte rawTypeKind) =>
        r.GetTypeSpecification(handle).DecodeSignature(this, scope);

    public string GetSZArrayType(string elementType) => elementType + "[]";
    public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[" + new string(',',
        shape.Rank - 1) + "]";
    public string GetByReferenceType(string elementType) => "ref " + elementType;
    public string GetPointerType(string elementType) => elementType + "*";
    public string GetPinnedType(string elementType) => elementType;
    public string GetFunctionPointerType(MethodSignature<string> signature) => "method*";
    public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) =>
        (isRequired ? "mod " : "modopt ") + modifier + " " + unmodifiedType;

    public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) =>
        genericType + "<" + string.Join(",", typeArguments) + ">";

    public string GetGenericTypeParameter(GenericScope scope, int index) =>
        !scope.Type.IsDefault && (uint)index < (uint)scope.Type.Length ? scope.Type[index] : "!" + index;

    public string GetGenericMethodParameter(GenericScope scope, int index) =>
        !scope.Method.IsDefault && (uint)index < (uint)scope.Method.Length ? scope.Method[index] : "!!" + index;

    private string Record(EntityHandle handle, byte rawTypeKind, string name)
    {
        if (valueTypes is not null
            && rawTypeKind != 0) valueTypes[handle] = rawTypeKind == (byte)SignatureTypeKind.ValueType;
        return name;
    }

    /// <summary>Strips leading custom modifiers (<c>mod M X</c> is X) from a rendered type.</summary>
    public static string Unmodified(string type)
    {
        while (type.StartsWith("mod", StringComparison.Ordinal))
        {
            int a = type.IndexOf(' '), b = type.IndexOf(' ', a + 1);
            if (b < 0) return type;
            type = type[(b + 1)..];
        }
        return type;
    }

    /// <summary>The reader this provider renders names from.</summary>
    public MetadataReader Reader => reader;
}

/// <summary>Reflection-style names of type definitions and references: <c>Ns.Outer+Inner</c>.</summary>
internal static class TypeNames
{
    public static string Of(MetadataReader r, TypeDefinitionHandle handle)
    {
        var t = r.GetTypeDefinition(handle);
        var declaring = t.GetDeclaringType();
        var name = r.GetString(t.Name);
        if (!declaring.IsNil) return Of(r, declaring) + "+" + name;
        return t.Namespace.IsNil || r.GetString(t.Namespace).Length == 0 ? name : r.GetString(t.Namespace) + "." + name;
    }

    public static string Of(MetadataReader r, TypeReferenceHandle handle)
    {
        var t = r.GetTypeReference(handle);
        var name = r.GetString(t.Name);
        if (t.ResolutionScope.Kind == HandleKind.TypeReference) return Of(r,
            (TypeReferenceHandle)t.ResolutionScope) + "+" + name;
        return t.Namespace.IsNil || r.GetString(t.Namespace).Length == 0 ? name : r.GetString(t.Namespace) + "." + name;
    }
}
