namespace KcrRuntime;

/// <summary>
/// The shared L3: a set-associative array of entries, read without locks, written under the table's lock.
/// </summary>
/// <remarks>
/// <para>The set is chosen by the high 32 bits of the hash (the per-thread L2 uses the low bits, so keys that collide
/// in one tier rarely collide in the other).</para>
/// <para>Replacement: an insert takes an empty way or one holding a dead entry (older epoch, evicted), else the way
/// named by the set's round-robin pointer (a live eviction). The byte budget evicts in clock order over the whole
/// array.</para>
/// </remarks>
/// <typeparam name="TKey">The scalar key.</typeparam>
/// <typeparam name="TResult">The result.</typeparam>
internal sealed class SharedCache<TKey, TResult>
    where TKey : unmanaged
{
    private const int Ways = KcrOptions.L3Ways;

    private readonly MemoEntry<TKey, TResult>?[] _entries;
    private readonly byte[] _victim;
    private readonly int _setMask;
    private int _clock;

    internal SharedCache(int entries)
    {
        int sets = KcrOptions.RoundUpToPowerOfTwo(entries) / Ways;
        _entries = new MemoEntry<TKey, TResult>?[sets * Ways];
        _victim = new byte[sets];
        _setMask = sets - 1;
    }

    /// <summary>The stamp of an entry whose key still learns under table stamp <paramref name="stamp"/>.</summary>
    internal static long Pending(long stamp) => stamp | long.MinValue;

    /// <summary>The entry for exactly this key, confirmed or pending under <paramref name="stamp"/>, or null.</summary>
    internal MemoEntry<TKey, TResult>? Find(ulong hash, in TKey key, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second,
        int buffers, long stamp)
    {
        long pending = Pending(stamp);
        int start = ((int)(hash >> 32) & _setMask) * Ways;
        for (int way = 0; way < Ways; way++)
        {
            MemoEntry<TKey, TResult>? entry = Volatile.Read(ref _entries[start + way]);
            if (entry is not null && (entry.Stamp == stamp || entry.Stamp == pending)
                && entry.Holds(hash, in key, first, second, buffers))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>Publishes <paramref name="entry"/> (under the table lock); returns the entry it displaced, if any.</summary>
    internal MemoEntry<TKey, TResult>? Insert(MemoEntry<TKey, TResult> entry, long stamp, out bool live)
    {
        long pending = Pending(stamp);
        int set = (int)(entry.Hash >> 32) & _setMask;
        int start = set * Ways;
        for (int way = 0; way < Ways; way++)
        {
            MemoEntry<TKey, TResult>? current = _entries[start + way];
            if (current is null || (current.Stamp != stamp && current.Stamp != pending))
            {
                Volatile.Write(ref _entries[start + way], entry);
                live = false;
                return current;
            }
        }

        int victim = _victim[set] % Ways;
        _victim[set] = (byte)(victim + 1);
        MemoEntry<TKey, TResult>? evicted = _entries[start + victim];
        Volatile.Write(ref _entries[start + victim], entry);
        live = true;
        return evicted;
    }

    /// <summary>Removes the next entry in clock order (under the table lock), or returns null when there is none.</summary>
    internal MemoEntry<TKey, TResult>? TakeNext()
    {
        for (int i = 0; i < _entries.Length; i++)
        {
            int at = _clock;
            _clock = (at + 1) & (_entries.Length - 1);
            MemoEntry<TKey, TResult>? entry = _entries[at];
            if (entry is not null)
            {
                Volatile.Write(ref _entries[at], null);
                return entry;
            }
        }

        return null;
    }
}
