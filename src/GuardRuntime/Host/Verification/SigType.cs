using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace GuardRuntime.Verification;

internal enum SigKind : byte { Primitive, Named, Instance, Parameter, Byref, Pointer, FunctionPointer, Array, Modified }

/// <summary>
/// One signature type as the call rules need it: its <see cref="Text"/> (the verifier's spelling, the same as
/// <see cref="TypeNameProvider"/>: <c>ref X</c>, <c>mod M X</c>, generic arguments substituted), its
/// <see cref="Model"/> spelling (the effect model's and the host surface's: <c>X&amp;</c>, modifiers dropped, nested
/// types with '/'; built on first use), and what it is made of (the named type's handle in <see cref="Reader"/>,
/// the class/valuetype tag).
/// </summary>
internal sealed class SigType(SigKind kind, string text, MetadataReader? reader = null, EntityHandle handle = default,
    bool valueType = false, ImmutableArray<SigType> args = default, SigType? element = null, string? modifier = null)
{
    private string? model;

    public SigKind Kind => kind;
    public string Text => text;
    public MetadataReader? Reader => reader;
    public EntityHandle Handle => handle;
    public bool ValueType => valueType;
    public ImmutableArray<SigType> Args => args;
    public SigType? Element => element;
    public string? Modifier => modifier;

    public string Model => model ??= kind switch
    {
        SigKind.Named => text.Replace('+', '/'),
        SigKind.Instance => element!.Model + "<" + string.Join(",", args.Select(a => a.Model)) + ">",
        SigKind.Byref => element!.Model + "&",
        SigKind.Pointer => element!.Model + "*",
        SigKind.Array => element!.Model + text[element.Text.Length..],
        SigKind.Modified => element!.Model,
        _ => text,
    };

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
        return new(SigKind.Primitive, name);
    }

    public SigType GetTypeFromDefinition(MetadataReader r, TypeDefinitionHandle h, byte kind) =>
        Named(names.Of(h), h, kind);

    public SigType GetTypeFromReference(MetadataReader r, TypeReferenceHandle h, byte kind) =>
        Named(names.Of(h), h, kind);

    private SigType Named(string name, EntityHandle h, byte kind) =>
        new(SigKind.Named, name, reader, h, kind == (byte)SignatureTypeKind.ValueType);

    public SigType GetTypeFromSpecification(MetadataReader r, SigScope scope, TypeSpecificationHandle h, byte kind) =>
        r.GetTypeSpecification(h).DecodeSignature(this, scope);

    public SigType GetSZArrayType(SigType e) => new(SigKind.Array, e.Text + "[]", element: e);

    public SigType GetArrayType(SigType e, ArrayShape shape)
    {
        var rank = "[" + new string(',', shape.Rank - 1) + "]";
        return new(SigKind.Array, e.Text + rank, element: e);
    }

    public SigType GetByReferenceType(SigType e) => new(SigKind.Byref, "ref " + e.Text, element: e);
    public SigType GetPointerType(SigType e) => new(SigKind.Pointer, e.Text + "*", element: e);
    public SigType GetPinnedType(SigType e) => e;
    public SigType GetFunctionPointerType(MethodSignature<SigType> s) => new(SigKind.FunctionPointer, "method*");

    public SigType GetModifiedType(SigType modifier, SigType unmodified, bool isRequired) =>
        new(SigKind.Modified, (isRequired ? "mod " : "modopt ") + modifier.Text + " " + unmodified.Text,
            element: unmodified, modifier: isRequired ? modifier.Text : null);

    public SigType GetGenericInstantiation(SigType generic, ImmutableArray<SigType> args) =>
        new(SigKind.Instance, generic.Text + "<" + string.Join(",", args.Select(a => a.Text)) + ">", reader,
            generic.Handle, generic.ValueType, args, generic);

    public SigType GetGenericTypeParameter(SigScope scope, int index) =>
        !scope.Type.IsDefault && (uint)index < (uint)scope.Type.Length ? scope.Type[index]
            : new(SigKind.Parameter, "!" + index);

    public SigType GetGenericMethodParameter(SigScope scope, int index) =>
        !scope.Method.IsDefault && (uint)index < (uint)scope.Method.Length ? scope.Method[index]
            : new(SigKind.Parameter, "!!" + index);

    /// <summary>The generic arguments of a <c>GENERICINST</c> type specification, or empty.</summary>
    public ImmutableArray<SigType> Arguments(TypeSpecificationHandle spec)
    {
        var t = reader.GetTypeSpecification(spec).DecodeSignature(this, default);
        return t.Kind == SigKind.Instance ? t.Args : [];
    }
}
