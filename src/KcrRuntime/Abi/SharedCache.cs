using System.Runtime.CompilerServices;

namespace KcrRuntime;

/// <summary>
/// The shared L3: a set-associative array of immutable entries, read without locks.
/// </summary>
/// <remarks>
/// <para>The set is chosen by the high 32 bits of the fingerprint (the per-thread L2 uses the low
/// bits, so keys that collide in one tier rarely collide in the other).</para>
/// <para>Replacement: an insert reuses the way already holding the same key, else the first
/// empty or stale (older epoch) way, else the way named by the set's round-robin pointer, which
/// then advances. The pointer is updated without synchronisation: a lost update only changes
/// which live entry is evicted, never the correctness of any entry.</para>
/// </remarks>
/// <typeparam name="T">Result type.</typeparam>
internal sealed class SharedCache<T>
{
    private const int Ways = KcrOptions.L3Ways;

    private readonly MemoEntry<T>?[] _entries;
    private readonly byte[] _victim;
    private readonly int _setMask;

    internal SharedCache(int entries)
    {
        int sets = KcrOptions.RoundUpToPowerOfTwo(entries) / Ways;
        _entries = new MemoEntry<T>?[sets * Ways];
        _victim = new byte[sets];
        _setMask = sets - 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int SetOf(ulong fingerprint) => (int)(fingerprint >> 32) & _setMask;

    /// <summary>Finds the entry for exactly this key in this epoch, or null.</summary>
    internal MemoEntry<T>? Find(ulong fingerprint, long epoch, ReadOnlySpan<byte> key)
    {
        int start = SetOf(fingerprint) * Ways;
        MemoEntry<T>?[] entries = _entries;
        for (int way = 0; way < Ways; way++)
        {
            MemoEntry<T>? entry = Volatile.Read(ref entries[start + way]);
            if (entry is not null && entry.Matches(fingerprint, epoch, key))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>Publishes <paramref name="entry"/>; returns true when a live entry of another key was evicted.</summary>
    internal bool Insert(MemoEntry<T> entry)
    {
        int set = SetOf(entry.Fingerprint);
        int start = set * Ways;
        int target = -1;
        for (int way = 0; way < Ways; way++)
        {
            MemoEntry<T>? current = Volatile.Read(ref _entries[start + way]);
            if (current is null || current.Epoch != entry.Epoch)
            {
                target = target < 0 ? start + way : target;
                continue;
            }

            if (current.Matches(entry.Fingerprint, entry.Epoch, entry.Key))
            {
                Volatile.Write(ref _entries[start + way], entry);
                return false;
            }
        }

        if (target >= 0)
        {
            Volatile.Write(ref _entries[target], entry);
            return false;
        }

        int victim = _victim[set] % Ways;
        _victim[set] = (byte)(victim + 1);
        Volatile.Write(ref _entries[start + victim], entry);
        return true;
    }
}
