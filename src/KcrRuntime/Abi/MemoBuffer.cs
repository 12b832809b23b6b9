using System.ComponentModel;
using System.Runtime.InteropServices;

namespace KcrRuntime;

/// <summary>
/// The bytes of a buffer argument (array, string, span or memory of unmanaged elements) as a read-only view of the
/// caller's memory: a table hashes and compares it where it is and copies it only when it inserts an entry. Whether
/// an array or string was null is a separate scalar of the key (<c>ldarg; ldnull; cgt.un</c>), so null and empty
/// are different keys; the element type is fixed by the method's signature, so the bytes and their count suffice.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MemoBuffer
{
    /// <summary>The bytes of an array (empty for null).</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="array">The argument.</param>
    /// <returns>A view of its elements' bytes.</returns>
    public static ReadOnlySpan<byte> Of<T>(T[]? array)
        where T : unmanaged => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(array));

    /// <summary>The UTF-16 bytes of a string (empty for null).</summary>
    /// <param name="text">The argument.</param>
    /// <returns>A view of its characters' bytes.</returns>
    public static ReadOnlySpan<byte> Of(string? text) => MemoryMarshal.AsBytes(text.AsSpan());

    /// <summary>The bytes of a read-only span.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="span">The argument.</param>
    /// <returns>A view of its bytes.</returns>
    public static ReadOnlySpan<byte> Of<T>(ReadOnlySpan<T> span)
        where T : unmanaged => MemoryMarshal.AsBytes(span);

    /// <summary>The bytes of a span (the weaver refuses a method that writes through it).</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="span">The argument.</param>
    /// <returns>A read-only view of its bytes.</returns>
    public static ReadOnlySpan<byte> Of<T>(Span<T> span)
        where T : unmanaged => MemoryMarshal.AsBytes((ReadOnlySpan<T>)span);

    /// <summary>The bytes of a read-only memory.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="memory">The argument.</param>
    /// <returns>A view of its bytes.</returns>
    public static ReadOnlySpan<byte> Of<T>(ReadOnlyMemory<T> memory)
        where T : unmanaged => MemoryMarshal.AsBytes(memory.Span);

    /// <summary>The bytes of a memory (the weaver refuses a method that writes through it).</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="memory">The argument.</param>
    /// <returns>A read-only view of its bytes.</returns>
    public static ReadOnlySpan<byte> Of<T>(Memory<T> memory)
        where T : unmanaged => MemoryMarshal.AsBytes((ReadOnlySpan<T>)memory.Span);
}
