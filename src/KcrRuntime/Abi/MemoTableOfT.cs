using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace KcrRuntime;

/// <summary>
/// The cache of one memoized method: keys <typeparamref name="TKey"/> (its scalar arguments, a
/// <see cref="MemoKey{T1}"/>) plus up to two buffer arguments (<see cref="MemoBuffer"/>), results
/// <typeparamref name="TResult"/>; a per-thread direct-mapped L2 (<see cref="MemoSlot{TKey, TResult}"/>) in front of a
/// shared set-associative L3, learning per key, byte budgets and the profit check.
/// </summary>
/// <remarks>
/// <para>What the weaver emits, in C# (src/KcrRuntime/README.md has the IL):</para>
/// <code>
/// static readonly MemoTable&lt;MemoKey&lt;int, long&gt;, long&gt; __kcr_Mix_0 = new(name, KcrOptions.Create(-1, -1, -1, -1, -1, -1));
/// [ThreadStatic] static MemoSlot&lt;MemoKey&lt;int, long&gt;, long&gt; __kcr_slot_Mix_0;
///
/// public static long Mix(int a, long b)               // small enough to inline into its callers
/// {
///     if (!__kcr_Mix_0.IsActive) return Mix__original(a, b);
///     var key = new MemoKey&lt;int, long&gt;(a, b);
///     if (__kcr_Mix_0.TryGet(__kcr_slot_Mix_0, in key, out long result)) return result;
///     return Mix__kcr_miss(a, b, in key);             // out of line: L3, learning, insert, statistics
/// }
///
/// static long Mix__kcr_miss(int a, long b, in MemoKey&lt;int, long&gt; key)
/// {
///     if (__kcr_slot_Mix_0 is null) __kcr_slot_Mix_0 = __kcr_Mix_0.CreateSlot();
///     if (__kcr_Mix_0.Lookup(__kcr_slot_Mix_0, in key, out long result, out MemoMiss miss)) return result;
///     result = Mix__original(a, b);
///     __kcr_Mix_0.Add(__kcr_slot_Mix_0, in key, result, in miss);
///     return result;
/// }
/// </code>
/// <para>Hit path: one load and test of the stamp, the key's hash (a few multiplies; one pass over a buffer), one
/// thread-static load, one L2 slot, one compare of the entry's stamp with the table's, the hash, the key bytes (and
/// the buffer, in place), one per-thread counter increment. No lock and no allocation; an array result is cloned
/// once.</para>
/// </remarks>
/// <typeparam name="TKey">The scalar key: a <see cref="MemoKey{T1}"/> of the method's scalar arguments.</typeparam>
/// <typeparam name="TResult">The method's return type: an unmanaged value, string, an array of unmanaged elements
/// (copied on insert and hit), or a read-only value type or sealed class built from these.</typeparam>
public sealed class MemoTable<TKey, TResult> : MemoTable
    where TKey : unmanaged
{
    private readonly SharedCache<TKey, TResult> _l3;
    private readonly ResultPolicy<TResult> _policy;
    private readonly bool _copyResults;
    private readonly int _maxBufferBytes;
    private readonly int _l2Entries;
    private readonly int _confirmations;
    private readonly bool _checkProfit;
    private WeakReference<MemoSlot<TKey, TResult>>[] _slots = [];
    private long _bufferBytesSeen;
    private bool _profitDecided;

    /// <summary>Creates and registers the table of one memoized method.</summary>
    /// <param name="methodName">Stable method identity, used by statistics and <c>Kcr.Invalidate(string)</c>.</param>
    /// <param name="options">Cache options; null means <see cref="KcrOptions.Default"/>.</param>
    /// <exception cref="NotSupportedException">When <typeparamref name="TResult"/> cannot be cached safely.</exception>
    public MemoTable(string methodName, KcrOptions? options)
        : base(methodName, options)
    {
        _policy = ResultPolicy.For<TResult>(methodName);
        _copyResults = _policy.CopiesValues;
        _l3 = new SharedCache<TKey, TResult>(Options.L3Entries);
        _maxBufferBytes = Options.MaxKeyBytes;
        _l2Entries = Options.L2Entries;
        _confirmations = Options.LearningConfirmations;
        _checkProfit = Options.CheckProfit;
        TableRegistry.Add(this);
        RefreshStamp();
    }

    /// <summary>False while KCR is off or the table is nondeterministic or unprofitable: call the original.</summary>
    public bool IsActive
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (Volatile.Read(ref StampWord) & 1) != 0;
    }

    /// <summary>The L2 lookup of a call without buffer arguments.</summary>
    /// <param name="slot">The calling thread's slot (null before its first miss).</param>
    /// <param name="key">The scalar arguments.</param>
    /// <param name="result">The cached result (a private copy for array results), or default.</param>
    /// <returns>True on a hit.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGet(MemoSlot<TKey, TResult>? slot, in TKey key, out TResult result)
    {
        if (slot is not null)
        {
            ulong hash = KeyBits.Hash(in key);
            MemoEntry<TKey, TResult>? entry = slot.At(hash);
            if (entry is not null && entry.Stamp == Volatile.Read(ref StampWord) && entry.Hash == hash
                && KeyBits.Equal(in entry.Key, in key))
            {
                slot.Counters.L2Hits++;
                result = Hand(entry.Result);
                return true;
            }

            slot.PendingHash = hash;
            slot.HasPendingHash = true;
        }

        result = default!;
        return false;
    }

    /// <summary>The L2 lookup of a call with one buffer argument, hashed and compared where it is.</summary>
    /// <param name="slot">The calling thread's slot (null before its first miss).</param>
    /// <param name="key">The scalar arguments.</param>
    /// <param name="first">The buffer argument's bytes.</param>
    /// <param name="result">The cached result, or default.</param>
    /// <returns>True on a hit.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGet(MemoSlot<TKey, TResult>? slot, in TKey key, ReadOnlySpan<byte> first, out TResult result)
    {
        if (slot is not null && first.Length <= _maxBufferBytes)
        {
            ulong hash = KeyBits.Hash(KeyBits.Hash(in key), first);
            MemoEntry<TKey, TResult>? entry = slot.At(hash);
            if (entry is not null && entry.Stamp == Volatile.Read(ref StampWord) && entry.Hash == hash
                && KeyBits.Equal(in entry.Key, in key) && first.SequenceEqual(entry.First))
            {
                slot.Counters.L2Hits++;
                result = Hand(entry.Result);
                return true;
            }

            slot.PendingHash = hash;
            slot.HasPendingHash = true;
        }

        result = default!;
        return false;
    }

    /// <summary>The L2 lookup of a call with two buffer arguments.</summary>
    /// <param name="slot">The calling thread's slot (null before its first miss).</param>
    /// <param name="key">The scalar arguments.</param>
    /// <param name="first">The first buffer argument's bytes.</param>
    /// <param name="second">The second buffer argument's bytes.</param>
    /// <param name="result">The cached result, or default.</param>
    /// <returns>True on a hit.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGet(MemoSlot<TKey, TResult>? slot, in TKey key, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second,
        out TResult result)
    {
        if (slot is not null && first.Length + (long)second.Length <= _maxBufferBytes)
        {
            ulong hash = KeyBits.Hash(KeyBits.Hash(KeyBits.Hash(in key), first), second);
            MemoEntry<TKey, TResult>? entry = slot.At(hash);
            if (entry is not null && entry.Stamp == Volatile.Read(ref StampWord) && entry.Hash == hash
                && KeyBits.Equal(in entry.Key, in key) && first.SequenceEqual(entry.First)
                && second.SequenceEqual(entry.Second))
            {
                slot.Counters.L2Hits++;
                result = Hand(entry.Result);
                return true;
            }

            slot.PendingHash = hash;
            slot.HasPendingHash = true;
        }

        result = default!;
        return false;
    }

    /// <summary>Creates the calling thread's slot; woven code keeps it in the method's [ThreadStatic] field.</summary>
    /// <returns>The new slot.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public MemoSlot<TKey, TResult> CreateSlot()
    {
        var slot = new MemoSlot<TKey, TResult>(this, _l2Entries);
        lock (Sync)
        {
            var live = new List<WeakReference<MemoSlot<TKey, TResult>>>(_slots.Length + 1);
            foreach (WeakReference<MemoSlot<TKey, TResult>> reference in _slots)
            {
                if (reference.TryGetTarget(out _))
                {
                    live.Add(reference);
                }
            }

            live.Add(new WeakReference<MemoSlot<TKey, TResult>>(slot));
            Volatile.Write(ref _slots, live.ToArray());
        }

        return slot;
    }

    /// <summary>After an L2 miss: the L3 lookup (a hit is promoted to the thread's L2), else what the insert needs.</summary>
    /// <param name="slot">The calling thread's slot.</param>
    /// <param name="key">The scalar arguments.</param>
    /// <param name="result">The cached result on a hit.</param>
    /// <param name="miss">On a miss, what <see cref="Add(MemoSlot{TKey, TResult}, in TKey, TResult, in MemoMiss)"/> needs.</param>
    /// <returns>True on a hit.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public bool Lookup(MemoSlot<TKey, TResult> slot, in TKey key, out TResult result, out MemoMiss miss) =>
        LookupCore(slot, in key, default, default, 0, out result, out miss);

    /// <summary>After an L2 miss, one buffer argument.</summary>
    /// <param name="slot">The calling thread's slot.</param>
    /// <param name="key">The scalar arguments.</param>
    /// <param name="first">The buffer argument's bytes.</param>
    /// <param name="result">The cached result on a hit.</param>
    /// <param name="miss">On a miss, what the insert needs.</param>
    /// <returns>True on a hit.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public bool Lookup(MemoSlot<TKey, TResult> slot, in TKey key, ReadOnlySpan<byte> first, out TResult result,
        out MemoMiss miss) => LookupCore(slot, in key, first, default, 1, out result, out miss);

    /// <summary>After an L2 miss, two buffer arguments.</summary>
    /// <param name="slot">The calling thread's slot.</param>
    /// <param name="key">The scalar arguments.</param>
    /// <param name="first">The first buffer argument's bytes.</param>
    /// <param name="second">The second buffer argument's bytes.</param>
    /// <param name="result">The cached result on a hit.</param>
    /// <param name="miss">On a miss, what the insert needs.</param>
    /// <returns>True on a hit.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public bool Lookup(MemoSlot<TKey, TResult> slot, in TKey key, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second,
        out TResult result, out MemoMiss miss) => LookupCore(slot, in key, first, second, 2, out result, out miss);

    /// <summary>Hands the original's result to the cache after a failed lookup: learning compares, serving inserts.</summary>
    /// <param name="slot">The calling thread's slot.</param>
    /// <param name="key">The scalar arguments.</param>
    /// <param name="result">The original's result; arrays are copied, the caller keeps its own.</param>
    /// <param name="miss">What the lookup returned.</param>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Add(MemoSlot<TKey, TResult> slot, in TKey key, TResult result, in MemoMiss miss) =>
        AddCore(slot, in key, default, default, 0, result, in miss);

    /// <summary>The insert of a call with one buffer argument (copied into the entry).</summary>
    /// <param name="slot">The calling thread's slot.</param>
    /// <param name="key">The scalar arguments.</param>
    /// <param name="first">The buffer argument's bytes.</param>
    /// <param name="result">The original's result.</param>
    /// <param name="miss">What the lookup returned.</param>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Add(MemoSlot<TKey, TResult> slot, in TKey key, ReadOnlySpan<byte> first, TResult result, in MemoMiss miss) =>
        AddCore(slot, in key, first, default, 1, result, in miss);

    /// <summary>The insert of a call with two buffer arguments.</summary>
    /// <param name="slot">The calling thread's slot.</param>
    /// <param name="key">The scalar arguments.</param>
    /// <param name="first">The first buffer argument's bytes.</param>
    /// <param name="second">The second buffer argument's bytes.</param>
    /// <param name="result">The original's result.</param>
    /// <param name="miss">What the lookup returned.</param>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Add(MemoSlot<TKey, TResult> slot, in TKey key, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second,
        TResult result, in MemoMiss miss) => AddCore(slot, in key, first, second, 2, result, in miss);

    private protected override void SumLiveSlots(ref SlotCounters total)
    {
        foreach (WeakReference<MemoSlot<TKey, TResult>> reference in Volatile.Read(ref _slots))
        {
            if (reference.TryGetTarget(out MemoSlot<TKey, TResult>? slot))
            {
                total.Add(in slot.Counters);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TResult Hand(TResult value)
    {
        if (!RuntimeHelpers.IsReferenceOrContainsReferences<TResult>() || !_copyResults || value is null)
        {
            return value;
        }

        object copy = Unsafe.As<Array>(value).Clone(); // exactly TResult: a 1-D array of unmanaged elements
        return Unsafe.As<object, TResult>(ref copy);
    }

    private bool LookupCore(MemoSlot<TKey, TResult> slot, in TKey key, ReadOnlySpan<byte> first,
        ReadOnlySpan<byte> second, int buffers, out TResult result, out MemoMiss miss)
    {
        result = default!;
        miss = default;
        long stamp = Volatile.Read(ref StampWord);
        bool pendingHash = slot.HasPendingHash;
        slot.HasPendingHash = false;
        if ((stamp & 1) == 0)
        {
            return false; // switched off or condemned since the wrapper looked: compute, insert nothing
        }

        if (first.Length + (long)second.Length > _maxBufferBytes)
        {
            slot.Counters.Uncacheable++;
            return false;
        }

        ulong hash = pendingHash ? slot.PendingHash : HashOf(in key, first, second, buffers);
        MemoEntry<TKey, TResult>? entry = _l3.Find(hash, in key, first, second, buffers, stamp);
        if (entry is not null && entry.Stamp == stamp)
        {
            slot.Counters.L3Hits++;
            slot.At(hash) = entry;
            result = Hand(entry.Result);
            return true;
        }

        long calls;
        if (entry is null)
        {
            calls = ++slot.Counters.Misses;
        }
        else
        {
            calls = ++slot.Counters.LearningCalls;
        }

        bool sample = _checkProfit && !Volatile.Read(ref _profitDecided)
            && (BodySamples < MemoProfit.MinSamples || (calls & 15) == 0);
        miss = new MemoMiss(stamp, hash, sample ? Stopwatch.GetTimestamp() : 0);
        return false;
    }

    private void AddCore(MemoSlot<TKey, TResult> slot, in TKey key, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second,
        int buffers, TResult result, in MemoMiss miss)
    {
        if (miss.Started != 0)
        {
            SampleBody(Stopwatch.GetTimestamp() - miss.Started);
            Interlocked.Add(ref _bufferBytesSeen, first.Length + second.Length);
        }

        if (miss.Stamp == 0 || Volatile.Read(ref StampWord) != miss.Stamp)
        {
            return; // nothing was looked up, or invalidated or condemned while the original ran
        }

        lock (Sync)
        {
            if (Volatile.Read(ref StampWord) == miss.Stamp)
            {
                Store(slot, in key, first, second, buffers, result, in miss);
            }
        }

        if (_checkProfit && !Volatile.Read(ref _profitDecided) && (miss.Started != 0))
        {
            JudgeProfit();
        }
    }

    // Under Sync, with the stamp unchanged since the lookup.
    private void Store(MemoSlot<TKey, TResult> slot, in TKey key, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second,
        int buffers, TResult result, in MemoMiss miss)
    {
        MemoEntry<TKey, TResult>? entry = _l3.Find(miss.Hash, in key, first, second, buffers, miss.Stamp);
        if (entry is not null)
        {
            if (entry.Stamp != miss.Stamp)
            {
                if (!_policy.AreEqual(entry.Result, result))
                {
                    Condemn(); // equal keys, different results, in one epoch: the method depends on something else
                    return;
                }

                bool done = ++entry.Confirmations >= _confirmations;
                Confirmed(done);
                if (done)
                {
                    Volatile.Write(ref entry.Stamp, miss.Stamp);
                }
            }

            slot.At(miss.Hash) = entry;
            return;
        }

        TResult stored = _copyResults ? _policy.Copy(result) : result;
        long size = 64 + Unsafe.SizeOf<TKey>() + Unsafe.SizeOf<TResult>() + _policy.HeapBytes(stored)
            + (buffers > 0 ? 24 + first.Length : 0) + (buffers > 1 ? 24 + second.Length : 0);
        if (!Reserve(size))
        {
            slot.Counters.Uncacheable++;
            return;
        }

        entry = new MemoEntry<TKey, TResult>(_confirmations == 0 ? miss.Stamp : SharedCache<TKey, TResult>.Pending(miss.Stamp),
            miss.Hash, in key, stored, buffers > 0 ? first.ToArray() : null, buffers > 1 ? second.ToArray() : null, (int)size);
        if (_l3.Insert(entry, miss.Stamp, out bool live) is { } displaced)
        {
            Drop(displaced, live);
        }

        slot.Counters.Inserts++;
        slot.At(miss.Hash) = entry;
    }

    // Makes room for `bytes` under both budgets, evicting this table's entries in clock order; false when it cannot.
    private bool Reserve(long bytes)
    {
        if (bytes > Options.MaxTableBytes || bytes > Volatile.Read(ref MemoBudget.MaxTotalBytes))
        {
            return false;
        }

        while (Bytes + bytes > Options.MaxTableBytes)
        {
            if (_l3.TakeNext() is not { } victim)
            {
                return false;
            }

            Drop(victim, IsCurrent(victim));
        }

        while (!MemoBudget.TryAdd(bytes))
        {
            if (_l3.TakeNext() is not { } victim)
            {
                return false;
            }

            Drop(victim, IsCurrent(victim));
        }

        AddBytes(bytes);
        return true;
    }

    private bool IsCurrent(MemoEntry<TKey, TResult> entry)
    {
        long stamp = Volatile.Read(ref StampWord);
        return entry.Stamp == stamp || entry.Stamp == SharedCache<TKey, TResult>.Pending(stamp);
    }

    // An entry left the L3: kill it (every L2 copy fails its stamp compare), clear the L2 slots that still name it,
    // so per-thread copies do not keep its key and result alive, and release its bytes.
    private void Drop(MemoEntry<TKey, TResult> entry, bool live)
    {
        Volatile.Write(ref entry.Stamp, long.MinValue);
        foreach (WeakReference<MemoSlot<TKey, TResult>> reference in Volatile.Read(ref _slots))
        {
            if (reference.TryGetTarget(out MemoSlot<TKey, TResult>? slot))
            {
                Interlocked.CompareExchange(ref slot.At(entry.Hash), null, entry);
            }
        }

        ReleaseBytes(entry.Bytes, live);
    }

    // The profit check: once enough calls were counted and bodies sampled, a table that does not pay stops.
    private void JudgeProfit()
    {
        long samples = BodySamples;
        if (samples < MemoProfit.MinSamples)
        {
            return;
        }

        MemoStatistics s = GetStatistics();
        if (s.Calls < MemoProfit.MinCalls)
        {
            return;
        }

        Volatile.Write(ref _profitDecided, true);
        double bufferBytes = (double)Volatile.Read(ref _bufferBytesSeen) / samples;
        if (MemoProfit.DoesNotPay(s.HitRate, s.BodyNanoseconds, bufferBytes))
        {
            MarkUnprofitable();
        }
    }

    private static ulong HashOf(in TKey key, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, int buffers)
    {
        ulong hash = KeyBits.Hash(in key);
        if (buffers > 0)
        {
            hash = KeyBits.Hash(hash, first);
        }

        return buffers > 1 ? KeyBits.Hash(hash, second) : hash;
    }
}
