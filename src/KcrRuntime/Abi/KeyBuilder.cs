using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KcrRuntime;

/// <summary>
/// Builds the exact byte encoding of a memoized call's arguments, on a caller-provided stack
/// buffer that spills to <see cref="ArrayPool{T}"/> when it fills up.
/// </summary>
/// <remarks>
/// <para>Woven call shape (see <see cref="MemoTable{T}"/> for the full sequence):</para>
/// <code>
/// var key = new KeyBuilder(stackalloc byte[KeyBuilder.InlineCapacity], __kcr_table);
/// key.Add(arg0); key.Add(arg1); ...
/// </code>
/// <para>Every argument is written as a one-byte type tag followed by a fixed-size payload or by
/// a 4-byte count (-1 for null) and the raw element bytes. Values are compared by bit pattern
/// (floats included, so 0.0 and -0.0 are different keys), never by reference, so the encoding is
/// injective: a hit can only happen for an argument list equal, bit for bit, to a cached one.</para>
/// <para>When KCR is disabled or the table was found nondeterministic the builder is inactive
/// and every <c>Add</c> returns at once. When the key would exceed the table's
/// <see cref="KcrOptions.MaxKeyBytes"/>, writing stops and the call is counted as uncacheable.</para>
/// <para><see cref="Dispose"/> only returns a pooled spill buffer; skipping it (for example
/// when the original method throws) is safe and merely leaves that buffer to the GC.</para>
/// </remarks>
public ref partial struct KeyBuilder
{
    /// <summary>Recommended size of the stack buffer passed to the constructor, in bytes.</summary>
    public const int InlineCapacity = 256;

    private Span<byte> _buffer;
    private byte[]? _rented;
    private int _length;
    private readonly int _maxBytes;
    private KeyStatus _status;

    /// <summary>Fingerprint of the key, set by <see cref="MemoTable{T}.TryGet"/>.</summary>
    internal ulong Fingerprint;

    /// <summary>Table epoch read by <see cref="MemoTable{T}.TryGet"/> before the original ran.</summary>
    internal long Epoch;

    /// <summary>Creates a builder writing into <paramref name="buffer"/> for calls to <paramref name="table"/>.</summary>
    /// <param name="buffer">Scratch space, normally <c>stackalloc byte[InlineCapacity]</c>; may be empty.</param>
    /// <param name="table">The memo table of the method being called.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public KeyBuilder(Span<byte> buffer, MemoTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        _buffer = buffer;
        _maxBytes = table.MaxKeyBytes;
        _status = KcrSwitch.Enabled && !table.IsNondeterministic ? KeyStatus.Active : KeyStatus.Inactive;
    }

    /// <summary>
    /// Pointer form of the constructor for IL emitters: <c>localloc</c> gives a native pointer,
    /// and this saves the weaver from constructing a <see cref="Span{T}"/> of <see cref="byte"/>.
    /// </summary>
    /// <param name="buffer">Start of <paramref name="length"/> writable bytes that outlive the builder.</param>
    /// <param name="length">Size of the buffer in bytes.</param>
    /// <param name="table">The memo table of the method being called.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe KeyBuilder(byte* buffer, int length, MemoTable table)
        : this(new Span<byte>(buffer, length), table)
    {
    }

    /// <summary>Number of key bytes written so far.</summary>
    public readonly int Length => _length;

    /// <summary>True while the key is being recorded (KCR on, table not nondeterministic, key within bounds).</summary>
    public readonly bool IsActive => _status == KeyStatus.Active;

    /// <summary>True when the key grew past <see cref="KcrOptions.MaxKeyBytes"/> and the call will not be cached.</summary>
    public readonly bool IsUncacheable => _status == KeyStatus.Uncacheable;

    /// <summary>The encoded key.</summary>
    internal readonly ReadOnlySpan<byte> Written => _buffer.Slice(0, _length);

    /// <summary>Status as seen by the table.</summary>
    internal readonly KeyStatus Status => _status;

    /// <summary>Set by <see cref="MemoTable{T}.TryGet"/> once the key was fingerprinted and looked up.</summary>
    internal void MarkLookedUp() => _status = KeyStatus.LookedUp;

    /// <summary>Returns the spill buffer, if one was rented. Safe to call more than once.</summary>
    public void Dispose()
    {
        byte[]? rented = _rented;
        _rented = null;
        _buffer = default;
        _length = 0;
        _status = KeyStatus.Inactive;
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Writes a tag and an unmanaged value by its bit pattern.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteScalar<TValue>(KeyTag tag, TValue value)
        where TValue : unmanaged
    {
        if (_status != KeyStatus.Active)
        {
            return;
        }

        int size = 1 + Unsafe.SizeOf<TValue>();
        if (_length + size > _buffer.Length && !Grow(size))
        {
            return;
        }

        ref byte destination = ref Unsafe.Add(ref MemoryMarshal.GetReference(_buffer), _length);
        destination = (byte)tag;
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, 1), value);
        _length += size;
    }

    /// <summary>Writes a tag, an element count (-1 for null) and the raw element bytes.</summary>
    private void WriteCounted(KeyTag tag, int count, scoped ReadOnlySpan<byte> bytes)
    {
        if (_status != KeyStatus.Active)
        {
            return;
        }

        long size = 1L + sizeof(int) + bytes.Length;
        if (_length + size > _buffer.Length && !Grow(size))
        {
            return;
        }

        ref byte destination = ref Unsafe.Add(ref MemoryMarshal.GetReference(_buffer), _length);
        destination = (byte)tag;
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, 1), count);
        bytes.CopyTo(_buffer.Slice(_length + 1 + sizeof(int)));
        _length += (int)size;
    }

    /// <summary>Writes an array of unmanaged elements, refusing before touching it if it cannot fit.</summary>
    private void WriteArray<TElement>(KeyTag tag, TElement[]? array)
        where TElement : unmanaged
    {
        if (_status != KeyStatus.Active)
        {
            return;
        }

        if (array is null)
        {
            WriteCounted(tag, -1, default);
            return;
        }

        // Checked before AsBytes, which would throw for spans over 2 GiB.
        if ((long)array.Length * Unsafe.SizeOf<TElement>() > _maxBytes)
        {
            _status = KeyStatus.Uncacheable;
            return;
        }

        WriteCounted(tag, array.Length, MemoryMarshal.AsBytes(new ReadOnlySpan<TElement>(array)));
    }

    /// <summary>Makes room for <paramref name="extra"/> more bytes, or marks the key uncacheable.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool Grow(long extra)
    {
        long needed = _length + extra;
        if (needed > _maxBytes)
        {
            _status = KeyStatus.Uncacheable;
            return false;
        }

        int size = (int)Math.Max(needed, Math.Min(_maxBytes, Math.Max(InlineCapacity, 2L * _buffer.Length)));
        byte[] larger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.Slice(0, _length).CopyTo(larger);
        byte[]? old = _rented;
        _rented = larger;
        _buffer = larger;
        if (old is not null)
        {
            ArrayPool<byte>.Shared.Return(old);
        }

        return true;
    }
}

/// <summary>Life cycle of a <see cref="KeyBuilder"/>.</summary>
internal enum KeyStatus : byte
{
    /// <summary>KCR off or method nondeterministic: nothing is recorded.</summary>
    Inactive = 0,

    /// <summary>Arguments are being recorded.</summary>
    Active,

    /// <summary>The key outgrew MaxKeyBytes.</summary>
    Uncacheable,

    /// <summary>TryGet fingerprinted the key; Offer may insert it.</summary>
    LookedUp,
}
