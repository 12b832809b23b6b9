namespace KcrRuntime;

/// <summary>
/// One cached result with its key. Built whole, then published by one reference write, so a reader sees a whole
/// entry or none. Only <see cref="Stamp"/> changes afterwards: from pending (even: never equal to an active table's
/// stamp) to the table's stamp when its key is confirmed, and to 0 when it is evicted, which kills every per-thread
/// copy of the reference at once.
/// </summary>
/// <typeparam name="TKey">The scalar key.</typeparam>
/// <typeparam name="TResult">The result.</typeparam>
internal sealed class MemoEntry<TKey, TResult>
    where TKey : unmanaged
{
    internal long Stamp;
    internal readonly ulong Hash;
    internal readonly TKey Key;
    internal readonly TResult Result;
    internal readonly byte[]? First;
    internal readonly byte[]? Second;
    internal readonly int Bytes;
    internal int Confirmations;

    internal MemoEntry(long stamp, ulong hash, in TKey key, TResult result, byte[]? first, byte[]? second, int bytes)
    {
        Stamp = stamp;
        Hash = hash;
        Key = key;
        Result = result;
        First = first;
        Second = second;
        Bytes = bytes;
    }

    /// <summary>Whether the entry holds exactly this key (scalars and buffers, byte for byte).</summary>
    internal bool Holds(ulong hash, in TKey key, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, int buffers) =>
        Hash == hash && KeyBits.Equal(in Key, in key)
        && (buffers < 1 || first.SequenceEqual(First))
        && (buffers < 2 || second.SequenceEqual(Second));
}
