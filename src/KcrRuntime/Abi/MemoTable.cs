using System.Diagnostics;

namespace KcrRuntime;

/// <summary>
/// The type-independent half of a memoized method's cache: identity, options, the stamp, learning and profit state,
/// byte accounting and statistics. See <see cref="MemoTable{TKey, TResult}"/> for the calls woven code makes.
/// </summary>
/// <remarks>
/// <para>The stamp is one word: the table's number (bits 40-62; bit 63 marks entries that still learn), its invalidation epoch (bits 1-39) and whether it
/// serves (bit 0: KCR enabled, not nondeterministic, not unprofitable). An entry carries the stamp it was confirmed
/// under, so a hit is one compare of the entry's stamp with the table's: switching off, condemning, invalidating
/// and evicting each make that compare fail, with no other check on the hit path.</para>
/// </remarks>
public abstract class MemoTable
{
    private const int EpochShift = 1;
    private const long EpochMask = (1L << 39) - 1;

    private protected readonly object Sync = new();
    internal long StampWord;
    private long _epoch;
    private bool _nondeterministic;
    private bool _unprofitable;
    private long _confirmedKeys;
    private long _confirmations;
    private long _invalidations;
    private long _evictions;
    private long _bytes;
    private long _bodyTicks;
    private long _bodySamples;
    private SlotCounters _retired;

    private protected MemoTable(string methodName, KcrOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(methodName);
        options ??= KcrOptions.Default;
        options.Validate(methodName);
        MethodName = methodName;
        Options = options;
        Id = TableRegistry.NextId();
    }

    /// <summary>Releases the table's share of the process-wide budget when a collectible module's table goes.</summary>
    ~MemoTable() => MemoBudget.Release(Volatile.Read(ref _bytes));

    /// <summary>The name the table was registered under.</summary>
    public string MethodName { get; }

    /// <summary>The options the table was created with.</summary>
    public KcrOptions Options { get; }

    /// <summary>Current learning state.</summary>
    public LearningState State =>
        Volatile.Read(ref _nondeterministic) ? LearningState.Nondeterministic
        : Volatile.Read(ref _unprofitable) ? LearningState.Unprofitable
        : Volatile.Read(ref _confirmedKeys) > 0 || Options.LearningConfirmations == 0 ? LearningState.Serving
        : LearningState.Learning;

    /// <summary>Current invalidation epoch (starts at 0, +1 per invalidation).</summary>
    public long Epoch => Volatile.Read(ref _epoch);

    /// <summary>Process-wide table number, part of the stamp (so a slot of another table never hits).</summary>
    internal int Id { get; }

    /// <summary>Bytes the table's entries hold (estimate of their heap size).</summary>
    internal long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Makes every cached result of this method unreachable, in O(1).</summary>
    public void Invalidate()
    {
        lock (Sync)
        {
            _epoch++;
            _invalidations++;
            RefreshStamp();
        }
    }

    /// <summary>
    /// Declares that the method reads the static field <paramref name="staticFieldName"/>, so that
    /// <see cref="Memo.InvalidateDependents"/> (called by woven code after it writes that field) invalidates this table.
    /// </summary>
    /// <param name="staticFieldName">Field identity, Cecil's <c>FieldReference.FullName</c> of the definition.</param>
    public void DependsOn(string staticFieldName) => StaticDependencies.Get(staticFieldName).Add(this);

    /// <summary>Reads all counters into a snapshot (sums every thread's counters; slightly racy, never torn).</summary>
    /// <returns>The snapshot.</returns>
    public MemoStatistics GetStatistics()
    {
        SlotCounters c;
        lock (Sync)
        {
            c = _retired;
        }

        SumLiveSlots(ref c);
        long samples = Volatile.Read(ref _bodySamples);
        double bodyNs = samples == 0 ? 0 : Volatile.Read(ref _bodyTicks) * (1e9 / Stopwatch.Frequency) / samples;
        return new MemoStatistics(MethodName, State, c.L2Hits, c.L3Hits, c.Misses, c.LearningCalls, c.Uncacheable,
            c.Inserts, Volatile.Read(ref _evictions), Volatile.Read(ref _invalidations), Volatile.Read(ref _confirmations),
            Epoch, Bytes, Math.Max(0, bodyNs - MemoProfit.TimerNanoseconds));
    }

    /// <summary>Recomputes the stamp from the switch, the state and the epoch (under <see cref="Sync"/>).</summary>
    internal void RefreshStamp()
    {
        lock (Sync)
        {
            bool active = KcrSwitch.Enabled && !_nondeterministic && !_unprofitable;
            Volatile.Write(ref StampWord, ((long)(Id & 0x7FFFFF) << 40) | ((_epoch & EpochMask) << EpochShift) | (active ? 1L : 0L));
        }
    }

    /// <summary>Adds a finished thread's counters to the table's own.</summary>
    internal void Retire(in SlotCounters counters)
    {
        lock (Sync)
        {
            _retired.Add(in counters);
        }
    }

    private protected abstract void SumLiveSlots(ref SlotCounters total);

    /// <summary>A key reached its confirmations: the table serves (it may have served already, for other keys).</summary>
    private protected void Confirmed(bool keyDone)
    {
        Interlocked.Increment(ref _confirmations);
        if (keyDone)
        {
            Interlocked.Increment(ref _confirmedKeys);
        }
    }

    /// <summary>Equal keys gave different results: never serve again.</summary>
    private protected void Condemn()
    {
        lock (Sync)
        {
            _nondeterministic = true;
            RefreshStamp();
        }
    }

    private protected void MarkUnprofitable()
    {
        lock (Sync)
        {
            _unprofitable = true;
            RefreshStamp();
        }
    }

    /// <summary>Accounts <paramref name="bytes"/> more to this table (the caller checked the budgets).</summary>
    private protected void AddBytes(long bytes) => Interlocked.Add(ref _bytes, bytes);

    /// <summary>Releases an entry's bytes; <paramref name="live"/> when it was a live entry evicted for room.</summary>
    private protected void ReleaseBytes(long bytes, bool live)
    {
        Interlocked.Add(ref _bytes, -bytes);
        MemoBudget.Release(bytes);
        if (live)
        {
            Interlocked.Increment(ref _evictions);
        }
    }

    /// <summary>Adds one measured body duration (Stopwatch ticks).</summary>
    private protected void SampleBody(long ticks)
    {
        Interlocked.Add(ref _bodyTicks, ticks);
        Interlocked.Increment(ref _bodySamples);
    }

    private protected long BodySamples => Volatile.Read(ref _bodySamples);
}
