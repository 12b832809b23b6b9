using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace GuardRuntime.Verification;

internal enum SigKind : byte { Primitive, Named, Instance, Parameter, Byref, Pointer, FunctionPointer, Array, Modified }

/// <summary>
/// One signature type as the call rules need it: its <see cref="Text"/> (the verifier's spelling, the same as
/// <see cref="TypeNameProvider"/>: <c>ref X</c>, <c>mod M X</c>, generic arguments substituted), its
/// <see cref="Model"/> spelling (the effect model's and the host surface's: <c>X&amp;</c>, modifiers dropped, nested
/// types with '/'), and what it is made of (the named type's handle in <see cref="Reader"/>, the class/valuetype tag).
/// </summary>
internal sealed record SigType(SigKind Kind, string Text, string Model, MetadataReader? Reader = null,
    EntityHandle Handle = default, bool ValueType = false, ImmutableArray<SigType> Args = default,
    SigType? Element = null, string? Modifier = null)
{
    /// <summary>The type with leading custom modifiers removed.</summary>
    public SigType Bare => Kind == SigKind.Modified ? Element!.Bare : this;

    /// <summary>The generic definition's (or the named type's) reflection name, or null.</summary>
    public string? DefinitionName => Kind switch
    {
        SigKind.Named => Text,
        SigKind.Instance => Element!.Text,
        _ => null,
    };
}

/// <summary>The generic arguments a signature is read under; empty arrays leave <c>!n</c>/<c>!!n</c> in place.</summary>
internal readonly record struct SigScope(ImmutableArray<SigType> Type, ImmutableArray<SigType> Method);

/// <summary>Builds <see cref="SigType"/>s from one module's (or a host assembly's) metadata.</summary>
internal sealed class SigTypes(MetadataReader reader, TypeNameProvider names) : ISignatureTypeProvider<SigType, SigScope>
{
    public MetadataReader Reader => reader;

    public SigType GetPrimitiveType(PrimitiveTypeCode code)
    {
        var name = names.GetPrimitiveType(code);
        return new(SigKind.Primitive, name, name);
    }

    public SigType GetTypeFromDefinition(MetadataReader r, TypeDefinitionHandle h, byte kind) =>
        Named(names.Of(h), h, kind);

    public SigType GetTypeFromReference(MetadataReader r, TypeReferenceHandle h, byte kind) =>
        Named(names.Of(h), h, kind);

    private SigType Named(string name, EntityHandle h, byte kind) =>
        new(SigKind.Named, name, name.Replace('+', '/'), reader, h, kind == (byte)SignatureTypeKind.ValueType);

    public SigType GetTypeFromSpecification(MetadataReader r, SigScope scope, TypeSpecificationHandle h, byte kind) =>
        r.GetTypeSpecification(h).DecodeSignature(this, scope);

    public SigType GetSZArrayType(SigType e) => new(SigKind.Array, e.Text + "[]", e.Model + "[]", Element: e);

    public SigType GetArrayType(SigType e, ArrayShape shape)
    {
        var rank = "[" + new string(',', shape.Rank - 1) + "]";
        return new(SigKind.Array, e.Text + rank, e.Model + rank, Element: e);
    }

    public SigType GetByReferenceType(SigType e) => new(SigKind.Byref, "ref " + e.Text, e.Model + "&", Element: e);
    public SigType GetPointerType(SigType e) => new(SigKind.Pointer, e.Text + "*", e.Model + "*", Element: e);
    public SigType GetPinnedType(SigType e) => e;
    public SigType GetFunctionPointerType(MethodSignature<SigType> s) => new(SigKind.FunctionPointer, "method*", "method*");

    public SigType GetModifiedType(SigType modifier, SigType unmodified, bool isRequired) =>
        new(SigKind.Modified, (isRequired ? "mod " : "modopt ") + modifier.Text + " " + unmodified.Text,
            unmodified.Model, Element: unmodified, Modifier: isRequired ? modifier.Text : null);

    public SigType GetGenericInstantiation(SigType generic, ImmutableArray<SigType> args) =>
        new(SigKind.Instance, generic.Text + "<" + string.Join(",", args.Select(a => a.Text)) + ">",
            generic.Model + "<" + string.Join(",", args.Select(a => a.Model)) + ">", reader, generic.Handle,
            generic.ValueType, args, generic);

    public SigType GetGenericTypeParameter(SigScope scope, int index) =>
        !scope.Type.IsDefault && (uint)index < (uint)scope.Type.Length ? scope.Type[index]
            : new(SigKind.Parameter, "!" + index, "!" + index);

    public SigType GetGenericMethodParameter(SigScope scope, int index) =>
        !scope.Method.IsDefault && (uint)index < (uint)scope.Method.Length ? scope.Method[index]
            : new(SigKind.Parameter, "!!" + index, "!!" + index);

    /// <summary>The generic arguments of a <c>GENERICINST</c> type specification, or empty.</summary>
    public ImmutableArray<SigType> Arguments(TypeSpecificationHandle spec)
    {
        var t = reader.GetTypeSpecification(spec).DecodeSignature(this, default);
        return t.Kind == SigKind.Instance ? t.Args : [];
    }
}
