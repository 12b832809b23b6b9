using System.ComponentModel;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GuardRuntime;

/// <summary>
/// The inline-array views the C# compiler emits into <c>&lt;PrivateImplementationDetails&gt;</c> (collection expressions,
/// <c>params</c> spans, <c>[InlineArray]</c> element access), checked at run time. The weaver replaces the body of each
/// helper it recognises, instruction for instruction the compiler's, by a call to the shim of the same name: the shim
/// reinterprets the buffer only when <c>TBuffer</c> is an <c>[InlineArray(N)]</c> struct whose one field is a
/// <c>TElement</c>, and only within its N elements, so the view is exact whatever the element (object references
/// included) and whoever calls the helper. This is the weaver's ABI: application code does not call these methods.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class InlineArrayShims
{
    /// <summary>Stands in for <c>InlineArrayAsSpan</c>: the first <paramref name="length"/> elements of the buffer.</summary>
    public static Span<TElement> InlineArrayAsSpan<TBuffer, TElement>(ref TBuffer buffer, int length) =>
        MemoryMarshal.CreateSpan(ref Unsafe.As<TBuffer, TElement>(ref buffer), Within<TBuffer, TElement>(length, length));

    /// <summary>Stands in for <c>InlineArrayAsReadOnlySpan</c>.</summary>
    public static ReadOnlySpan<TElement> InlineArrayAsReadOnlySpan<TBuffer, TElement>(in TBuffer buffer, int length) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<TBuffer, TElement>(ref Unsafe.AsRef(in buffer)),
            Within<TBuffer, TElement>(length, length));

    /// <summary>Stands in for <c>InlineArrayElementRef</c>: element <paramref name="index"/> of the buffer.</summary>
    public static ref TElement InlineArrayElementRef<TBuffer, TElement>(ref TBuffer buffer, int index) =>
        ref Unsafe.Add(ref Unsafe.As<TBuffer, TElement>(ref buffer), Within<TBuffer, TElement>(index, index + 1));

    /// <summary>Stands in for <c>InlineArrayElementRefReadOnly</c>.</summary>
    public static ref readonly TElement InlineArrayElementRefReadOnly<TBuffer, TElement>(in TBuffer buffer, int index) =>
        ref Unsafe.Add(ref Unsafe.As<TBuffer, TElement>(ref Unsafe.AsRef(in buffer)), Within<TBuffer, TElement>(index, index + 1));

    /// <summary>Stands in for <c>InlineArrayFirstElementRef</c>.</summary>
    public static ref TElement InlineArrayFirstElementRef<TBuffer, TElement>(ref TBuffer buffer)
    {
        Within<TBuffer, TElement>(0, 1);
        return ref Unsafe.As<TBuffer, TElement>(ref buffer);
    }

    /// <summary>Stands in for <c>InlineArrayFirstElementRefReadOnly</c>.</summary>
    public static ref readonly TElement InlineArrayFirstElementRefReadOnly<TBuffer, TElement>(in TBuffer buffer)
    {
        Within<TBuffer, TElement>(0, 1);
        return ref Unsafe.As<TBuffer, TElement>(ref Unsafe.AsRef(in buffer));
    }

    // value, when 0 <= value and end <= N of the inline array TBuffer of TElement; else throws (a view past the buffer would
    // read or write whatever follows it, references included).
    private static int Within<TBuffer, TElement>(int value, int end)
    {
        int length = Shape<TBuffer, TElement>.Length;
        if (length < 0)
            throw new InvalidOperationException($"{typeof(TBuffer)} is not an [InlineArray] struct whose one field is a {typeof(TElement)}: "
                                                + "the guard does not reinterpret it.");
        if (value < 0 || (uint)end > (uint)length)
            throw new ArgumentOutOfRangeException(nameof(value), value, $"outside the inline array {typeof(TBuffer)} of {length} elements");
        return value;
    }

    // N of [InlineArray(N)] when TBuffer is a struct whose one instance field is a TElement, else -1; read once per pair.
    private static class Shape<TBuffer, TElement>
    {
        public static readonly int Length = Compute();

        private static int Compute()
        {
            var type = typeof(TBuffer);
            if (!type.IsValueType || type.GetCustomAttribute<InlineArrayAttribute>() is not { Length: > 0 } attribute) return -1;
            var fields = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
            return fields.Length == 1 && fields[0].FieldType == typeof(TElement) ? attribute.Length : -1;
        }
    }
}
