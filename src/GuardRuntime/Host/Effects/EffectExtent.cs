namespace GuardRuntime.Effects;

/// <summary>How a written destination is named and how far the write reaches.</summary>
internal enum ExtentKind : byte
{
    /// <summary>Elements of the array <see cref="EffectExtent.Dest"/>: all, from <c>Start</c>, or <c>[Start, Start+Count)</c>.</summary>
    Array,
    /// <summary>Every element of the <c>Span&lt;T&gt;</c> <see cref="EffectExtent.Dest"/>.</summary>
    Span,
    /// <summary>Bytes at the pointer or byref <c>Dest</c> (+ <c>Start</c> bytes): <c>Count × Scale</c>, or <c>Scale</c> without a count.</summary>
    Pointer,
    /// <summary><c>sizeof(T)</c> bytes at the pointer or byref <c>Dest</c>, T the method's first generic argument.</summary>
    PointerSizeOfT,
    /// <summary>
    /// A vector store: at the pointer or byref <c>Dest</c> (+ <c>Start</c> elements of T), as many bytes as all of the
    /// member's value parameters together (<c>sizeof</c> of each vector or tuple of vectors): its full width.
    /// </summary>
    Vector,
    /// <summary>The whole object <c>Dest</c> (any field, any element).</summary>
    Object,
}

/// <summary>One destination of a <see cref="EffectClass.WritesArguments"/> member.</summary>
/// <param name="Kind">What the destination is.</param>
/// <param name="Dest">Its parameter index, or <see cref="This"/> for the receiver.</param>
/// <param name="Start">The parameter holding the first element (byte offset for pointers), or -1.</param>
/// <param name="Count">The parameter holding the element (byte) count, or -1.</param>
/// <param name="Scale">Bytes per counted unit for pointers, or the fixed size when there is no count.</param>
internal sealed record EffectExtent(ExtentKind Kind, int Dest, int Start = -1, int Count = -1, int Scale = 1)
{
    /// <summary>The <see cref="Dest"/> value that names the receiver.</summary>
    public const int This = -1;

    /// <summary>The <see cref="Dest"/> value that names the member's first pointer or byref parameter (vector stores).</summary>
    public const int FirstPointer = -2;

    /// <summary>
    /// The <see cref="Scale"/> value meaning <c>sizeof</c> the declaring type's first generic argument (a span of T
    /// formed from a pointer and an element count).
    /// </summary>
    public const int SizeOfTypeArgument = 0;
}
