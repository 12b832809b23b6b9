using System.Runtime.CompilerServices;

namespace KcrRuntime;

/// <summary>
/// The cache of one memoized method returning <typeparamref name="T"/>: a per-thread
/// direct-mapped L2 in front of a shared set-associative L3, plus determinism learning.
/// </summary>
/// <remarks>
/// <para>Exactly what the weaver emits (C# shown; each line is one or two IL instructions):</para>
/// <code>
/// // once per memoized method, in the declaring type's static constructor:
/// static readonly MemoTable&lt;int&gt; __kcr_Checksum =
///     new MemoTable&lt;int&gt;("Ns.Type::Checksum(System.Byte[],System.Int32)", KcrOptions.Create(-1, -1, -1, -1));
/// // optionally, per static field the method reads: __kcr_Checksum.DependsOn("System.Int32 Ns.Type::s_seed");
///
/// public static int Checksum(byte[] data, int seed)
/// {
///     var key = new KeyBuilder(stackalloc byte[KeyBuilder.InlineCapacity], __kcr_Checksum);
///     key.Add(data);
///     key.Add(seed);
///     if (__kcr_Checksum.TryGet(ref key, out int result)) { key.Dispose(); return result; }
///     result = Checksum__original(data, seed);
///     __kcr_Checksum.Offer(ref key, result);
///     key.Dispose();
///     return result;
/// }
/// </code>
/// <para>Hit path: fingerprint (XxHash3), one thread-static load, one L2 slot load, a fingerprint,
/// epoch and full key comparison. No lock and no allocation (array results excepted: they are
/// copied for the caller). An L2 miss probes the 4 ways of one L3 set and promotes a hit to L2.</para>
/// <para>Replacement: the L2 is direct-mapped (a new entry replaces the slot's occupant); the
/// L3 policy is described on the shared cache: same key, else empty or stale way, else round robin.</para>
/// </remarks>
/// <typeparam name="T">The method's return type: an unmanaged value, string, an array of unmanaged elements (copied on insert and hit), or a read-only value type or sealed class built from these; anything else is rejected by the constructor.</typeparam>
public sealed class MemoTable<T> : MemoTable
{
    private readonly SharedCache<T> _l3;
    private readonly ResultPolicy<T> _policy;
    private readonly bool _copiesValues;

    /// <summary>Creates and registers the table of one memoized method.</summary>
    /// <param name="methodName">Stable method identity, used by statistics and <c>Kcr.Invalidate(string)</c>.</param>
    /// <param name="options">Cache options; null means <see cref="KcrOptions.Default"/>.</param>
    /// <exception cref="NotSupportedException">When <typeparamref name="T"/> cannot be cached safely.</exception>
    public MemoTable(string methodName, KcrOptions? options)
        : base(methodName, options)
    {
        _policy = ResultPolicy.For<T>(methodName);
        _copiesValues = _policy.CopiesValues;
        _l3 = new SharedCache<T>(Options.L3Entries);
        TableRegistry.Add(this);
    }

    /// <summary>
    /// Fingerprints the finished key and looks it up. Returns true with the cached result only
    /// when KCR is on, the method is serving, and an entry of the current epoch has exactly
    /// these key bytes. Must be called exactly once per key, before <see cref="Offer"/>.
    /// </summary>
    /// <param name="key">The key built from all arguments.</param>
    /// <param name="result">The cached result (a private copy for array results), or default.</param>
    /// <returns>True on a hit.</returns>
    public bool TryGet(ref KeyBuilder key, out T result)
    {
        if (key.Status != KeyStatus.Active)
        {
            if (KcrSwitch.Enabled)
            {
                NoteInactive(key.Status); // out of line: only nondeterministic or oversized calls get here
            }

            result = default!;
            return false;
        }

        ThreadSlot<T> slot = CurrentSlot();
        ThreadCounters counters = slot.Counters;
        counters.Calls++;
        ReadOnlySpan<byte> bytes = key.Written;
        ulong fingerprint = Fingerprint.Compute(bytes, FingerprintOverride);
        long epoch = Epoch; // read before the original runs, so a concurrent invalidation kills what we insert
        key.Fingerprint = fingerprint;
        key.Epoch = epoch;
        key.MarkLookedUp();

        if (State != LearningState.Serving)
        {
            counters.LearningCalls++;
            result = default!;
            return false;
        }

        ref MemoEntry<T>? l2Slot = ref slot.L2[(int)fingerprint & slot.L2Mask];
        MemoEntry<T>? entry = l2Slot;
        if (entry is not null && entry.Matches(fingerprint, epoch, bytes))
        {
            counters.L2Hits++;
            result = _copiesValues ? _policy.Copy(entry.Value) : entry.Value;
            return true;
        }

        entry = _l3.Find(fingerprint, epoch, bytes);
        if (entry is not null)
        {
            counters.L3Hits++;
            l2Slot = entry;
            result = _copiesValues ? _policy.Copy(entry.Value) : entry.Value;
            return true;
        }

        counters.Misses++;
        result = default!;
        return false;
    }

    /// <summary>
    /// Hands the freshly computed result to the cache after a failed <see cref="TryGet"/>: while
    /// learning it is compared with an earlier result for the same key (a mismatch condemns the
    /// method), while serving it is inserted. Returns at once when nothing was looked up
    /// (KCR off, nondeterministic, uncacheable key).
    /// </summary>
    /// <param name="key">The same key that was passed to <see cref="TryGet"/>.</param>
    /// <param name="result">The result the original method returned; arrays are copied, the caller keeps its own.</param>
    public void Offer(ref KeyBuilder key, T result)
    {
        if (key.Status != KeyStatus.LookedUp)
        {
            return;
        }

        switch (State)
        {
            case LearningState.Serving:
                if (key.Epoch == Epoch)
                {
                    Insert(CurrentSlot(), key.Fingerprint, key.Epoch, key.Written, result);
                }

                break;
            case LearningState.Learning:
                Learn(ref key, result);
                break;
        }
    }

    /// <summary>Compares with the entry for this key, or records the first result for it.</summary>
    private void Learn(ref KeyBuilder key, T result)
    {
        ReadOnlySpan<byte> bytes = key.Written;
        MemoEntry<T>? earlier = _l3.Find(key.Fingerprint, key.Epoch, bytes);
        if (earlier is null)
        {
            if (key.Epoch == Epoch)
            {
                Insert(CurrentSlot(), key.Fingerprint, key.Epoch, bytes, result);
            }

            return;
        }

        if (_policy.AreEqual(earlier.Value, result))
        {
            Confirm();
        }
        else if (key.Epoch == Epoch)
        {
            // Equal keys in one epoch gave different results: the method depends on something
            // it did not declare. Never serve it again. (Under a concurrent invalidation we
            // cannot tell, so we let it pass; learning will see the key again.)
            Condemn();
        }
    }

    /// <summary>Builds an immutable entry and publishes it in L3 and in this thread's L2.</summary>
    private void Insert(ThreadSlot<T> slot, ulong fingerprint, long epoch, ReadOnlySpan<byte> bytes, T result)
    {
        var entry = new MemoEntry<T>(fingerprint, epoch, bytes.ToArray(), _copiesValues ? _policy.Copy(result) : result);
        ThreadCounters counters = slot.Counters;
        counters.Inserts++;
        if (_l3.Insert(entry))
        {
            counters.L3Evictions++;
        }

        ref MemoEntry<T>? l2Slot = ref slot.L2[(int)fingerprint & slot.L2Mask];
        MemoEntry<T>? previous = l2Slot;
        if (previous is not null && previous.Epoch == epoch && !previous.Matches(fingerprint, epoch, bytes))
        {
            counters.L2Evictions++;
        }

        l2Slot = entry;
    }

    /// <summary>Counts a call that could not use the cache (calls made while KCR is off are not counted at all).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void NoteInactive(KeyStatus status)
    {
        ThreadCounters counters = CurrentSlot().Counters;
        counters.Calls++;
        if (status == KeyStatus.Uncacheable)
        {
            counters.Uncacheable++;
        }
        else
        {
            counters.Bypassed++;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ThreadSlot<T> CurrentSlot()
    {
        object? slot = ThreadSlots.Get(Id);

        // Only this class stores under this table's id, so the unchecked cast is sound.
        return slot is not null ? Unsafe.As<ThreadSlot<T>>(slot) : CreateSlot();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ThreadSlot<T> CreateSlot()
    {
        var slot = new ThreadSlot<T>(Options.L2Entries);
        ThreadSlots.Set(Id, slot);
        TrackCounters(slot.Counters);
        return slot;
    }
}
