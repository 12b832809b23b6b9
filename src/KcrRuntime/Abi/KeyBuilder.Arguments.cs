using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KcrRuntime;

// The Add overloads, one per argument kind the weaver can pass. Enums are added through the
// overload of their underlying type: on the IL stack an enum already is that integer, so the
// weaver calls e.g. Add(int) with no conversion. Arrays are added by content (length-prefixed,
// null distinct from empty), never by reference.
public ref partial struct KeyBuilder
{
    /// <summary>Adds A <see cref="bool"/> by its raw byte (so a non-canonical true stays distinct).</summary>
    /// <param name="value">The argument.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(bool value) => WriteScalar(KeyTag.Bool, value);

    /// <summary>Adds A <see cref="byte"/>; also the overload for enums whose underlying type is byte.</summary>
    /// <param name="value">The argument.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(byte value) => WriteScalar(KeyTag.Byte, value);

    /// <summary>Adds An <see cref="sbyte"/>; also for enums over sbyte.</summary>
    /// <param name="value">The argument.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(sbyte value) => WriteScalar(KeyTag.SByte, value);

    /// <summary>Adds A <see cref="short"/>; also for enums over short.</summary>
    /// <param name="value">The argument.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(short value) => WriteScalar(KeyTag.Int16, value);

    /// <summary>Adds A <see cref="ushort"/>; also for enums over ushort.</summary>
    /// <param name="value">The argument.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ushort value) => WriteScalar(KeyTag.UInt16, value);

    /// <summary>Adds A <see cref="char"/>.</summary>
    /// <param name="value">The argument.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(char value) => WriteScalar(KeyTag.Char, value);

    /// <summary>Adds An <see cref="int"/>; also for enums over int (the default enum type).</summary>
    /// <param name="value">The argument.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int value) => WriteScalar(KeyTag.Int32, value);

    /// <summary>Adds A <see cref="uint"/>; also for enums over uint.</summary>
    /// <param name="value">The argument.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(uint value) => WriteScalar(KeyTag.UInt32, value);

    /// <summary>Adds A <see cref="long"/>; also for enums over long.</summary>
    /// <param name="value">The argument.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(long value) => WriteScalar(KeyTag.Int64, value);

    /// <summary>Adds A <see cref="ulong"/>; also for enums over ulong.</summary>
    /// <param name="value">The argument.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ulong value) => WriteScalar(KeyTag.UInt64, value);

    /// <summary>Adds An <see cref="nint"/>.</summary>
    /// <param name="value">The argument.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(nint value) => WriteScalar(KeyTag.IntPtr, value);

    /// <summary>Adds An <see cref="nuint"/>.</summary>
    /// <param name="value">The argument.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(nuint value) => WriteScalar(KeyTag.UIntPtr, value);

    /// <summary>Adds A <see cref="float"/> by bit pattern (0.0 and -0.0 differ; NaN payloads differ).</summary>
    /// <param name="value">The argument.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(float value) => WriteScalar(KeyTag.Single, value);

    /// <summary>Adds A <see cref="double"/> by bit pattern (0.0 and -0.0 differ; NaN payloads differ).</summary>
    /// <param name="value">The argument.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(double value) => WriteScalar(KeyTag.Double, value);

    /// <summary>Adds A <see cref="decimal"/> by bit pattern (1.0m and 1.00m are different keys: a miss, never a wrong hit).</summary>
    /// <param name="value">The argument.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(decimal value) => WriteScalar(KeyTag.Decimal, value);

    /// <summary>Adds a <c>bool[]</c> by content; null and empty are different keys.</summary>
    /// <param name="value">The argument.</param>
    public void Add(bool[]? value) => WriteArray(KeyTag.BoolArray, value);

    /// <summary>Adds a <c>byte[]</c> by content; null and empty are different keys.</summary>
    /// <param name="value">The argument.</param>
    public void Add(byte[]? value) => WriteArray(KeyTag.ByteArray, value);

    /// <summary>Adds a <c>sbyte[]</c> by content; null and empty are different keys.</summary>
    /// <param name="value">The argument.</param>
    public void Add(sbyte[]? value) => WriteArray(KeyTag.SByteArray, value);

    /// <summary>Adds a <c>short[]</c> by content; null and empty are different keys.</summary>
    /// <param name="value">The argument.</param>
    public void Add(short[]? value) => WriteArray(KeyTag.Int16Array, value);

    /// <summary>Adds a <c>ushort[]</c> by content; null and empty are different keys.</summary>
    /// <param name="value">The argument.</param>
    public void Add(ushort[]? value) => WriteArray(KeyTag.UInt16Array, value);

    /// <summary>Adds a <c>char[]</c> by content; null and empty are different keys.</summary>
    /// <param name="value">The argument.</param>
    public void Add(char[]? value) => WriteArray(KeyTag.CharArray, value);

    /// <summary>Adds a <c>int[]</c> by content; null and empty are different keys.</summary>
    /// <param name="value">The argument.</param>
    public void Add(int[]? value) => WriteArray(KeyTag.Int32Array, value);

    /// <summary>Adds a <c>uint[]</c> by content; null and empty are different keys.</summary>
    /// <param name="value">The argument.</param>
    public void Add(uint[]? value) => WriteArray(KeyTag.UInt32Array, value);

    /// <summary>Adds a <c>long[]</c> by content; null and empty are different keys.</summary>
    /// <param name="value">The argument.</param>
    public void Add(long[]? value) => WriteArray(KeyTag.Int64Array, value);

    /// <summary>Adds a <c>ulong[]</c> by content; null and empty are different keys.</summary>
    /// <param name="value">The argument.</param>
    public void Add(ulong[]? value) => WriteArray(KeyTag.UInt64Array, value);

    /// <summary>Adds a <c>float[]</c> by content; null and empty are different keys.</summary>
    /// <param name="value">The argument.</param>
    public void Add(float[]? value) => WriteArray(KeyTag.SingleArray, value);

    /// <summary>Adds a <c>double[]</c> by content; null and empty are different keys.</summary>
    /// <param name="value">The argument.</param>
    public void Add(double[]? value) => WriteArray(KeyTag.DoubleArray, value);

    /// <summary>Adds a string as its length and UTF-16 code units; null and "" are different keys.</summary>
    /// <param name="value">The argument.</param>
    public void Add(string? value)
    {
        if (value is null)
        {
            WriteCounted(KeyTag.String, -1, default);
            return;
        }

        WriteCounted(KeyTag.String, value.Length, MemoryMarshal.AsBytes(value.AsSpan()));
    }

    /// <summary>Adds the bytes a span covers (its content, not its address).</summary>
    /// <param name="value">The argument.</param>
    public void Add(scoped ReadOnlySpan<byte> value) => WriteCounted(KeyTag.ByteSpan, value.Length, value);

    /// <summary>Adds the bytes a memory covers (its content, not its owner).</summary>
    /// <param name="value">The argument.</param>
    public void Add(ReadOnlyMemory<byte> value) => WriteCounted(KeyTag.ByteMemory, value.Length, value.Span);

    /// <summary>Adds the bytes a writable span covers; saves the weaver an op_Implicit to <see cref="ReadOnlySpan{T}"/>.</summary>
    /// <param name="value">The argument.</param>
    public void Add(scoped Span<byte> value) => WriteCounted(KeyTag.ByteSpan, value.Length, value);

    /// <summary>Adds the bytes a writable memory covers; saves the weaver an op_Implicit to <see cref="ReadOnlyMemory{T}"/>.</summary>
    /// <param name="value">The argument.</param>
    public void Add(Memory<byte> value) => WriteCounted(KeyTag.ByteMemory, value.Length, value.Span);

    /// <summary>Adds the content of a span of unmanaged elements (e.g. <c>ReadOnlySpan&lt;int&gt;</c>).</summary>
    /// <typeparam name="T">Any unmanaged element type.</typeparam>
    /// <param name="value">The argument.</param>
    public void AddBlittableSpan<T>(scoped ReadOnlySpan<T> value)
        where T : unmanaged
    {
        if ((long)value.Length * Unsafe.SizeOf<T>() > _maxBytes)
        {
            _status = _status == KeyStatus.Active ? KeyStatus.Uncacheable : _status;
            return;
        }

        WriteCounted(KeyTag.BlittableSpan, value.Length, MemoryMarshal.AsBytes(value));
    }

    /// <summary>
    /// Adds an unmanaged struct by its raw bytes. Padding bytes are included, so two equal
    /// values with different padding are different keys: a possible miss, never a wrong hit.
    /// </summary>
    /// <typeparam name="T">Any unmanaged type (no object references).</typeparam>
    /// <param name="value">The argument.</param>
    public void AddBlittable<T>(scoped in T value)
        where T : unmanaged
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value));
        WriteCounted(KeyTag.Blittable, bytes.Length, bytes);
    }

    /// <summary>Adds an array of unmanaged structs (or enums) by content; null and empty differ.</summary>
    /// <typeparam name="T">Any unmanaged element type.</typeparam>
    /// <param name="value">The argument.</param>
    public void AddBlittableArray<T>(T[]? value)
        where T : unmanaged => WriteArray(KeyTag.BlittableArray, value);
}
