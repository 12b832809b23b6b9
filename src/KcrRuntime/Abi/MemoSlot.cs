using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KcrRuntime;

/// <summary>One thread's counters for one table; only the owning thread writes them (plain increments).</summary>
internal struct SlotCounters
{
    internal long L2Hits;
    internal long L3Hits;
    internal long Misses;
    internal long LearningCalls;
    internal long Uncacheable;
    internal long Inserts;

    internal void Add(in SlotCounters other)
    {
        L2Hits += Volatile.Read(ref Unsafe.AsRef(in other.L2Hits));
        L3Hits += Volatile.Read(ref Unsafe.AsRef(in other.L3Hits));
        Misses += Volatile.Read(ref Unsafe.AsRef(in other.Misses));
        LearningCalls += Volatile.Read(ref Unsafe.AsRef(in other.LearningCalls));
        Uncacheable += Volatile.Read(ref Unsafe.AsRef(in other.Uncacheable));
        Inserts += Volatile.Read(ref Unsafe.AsRef(in other.Inserts));
    }
}

/// <summary>
/// One thread's state for one memoized method: its direct-mapped L2 and its counters. The weaver keeps it in a
/// <c>[ThreadStatic]</c> field next to the method's table, so a hit reaches it with one thread-static load. Only the
/// owning thread reads and writes its L2, except that an eviction clears (compare-and-swap) the one slot that may
/// still name the evicted entry. The table holds it weakly: it goes when its thread ends, and its counters are then
/// folded into the table's.
/// </summary>
/// <typeparam name="TKey">The scalar key.</typeparam>
/// <typeparam name="TResult">The result.</typeparam>
public sealed class MemoSlot<TKey, TResult>
    where TKey : unmanaged
{
    internal readonly MemoEntry<TKey, TResult>?[] L2;
    internal readonly int Mask;
    internal SlotCounters Counters;
    internal ulong PendingHash;
    internal bool HasPendingHash;
    private readonly MemoTable _table;

    internal MemoSlot(MemoTable table, int entries)
    {
        _table = table;
        int size = KcrOptions.RoundUpToPowerOfTwo(entries);
        L2 = new MemoEntry<TKey, TResult>?[size];
        Mask = size - 1;
    }

    /// <summary>Folds this thread's counters into the table when the thread (and so the slot) is gone.</summary>
    ~MemoSlot() => _table.Retire(in Counters);

    /// <summary>The L2 slot for <paramref name="hash"/>; the mask keeps the index in range, so no bounds check.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref MemoEntry<TKey, TResult>? At(ulong hash) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(L2), (nint)(hash & (uint)Mask));
}
