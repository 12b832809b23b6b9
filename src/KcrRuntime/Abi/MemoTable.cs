namespace KcrRuntime;

/// <summary>
/// The type-independent half of a memoized method's cache: identity, options, learning state,
/// invalidation epoch, static dependencies and statistics. See <see cref="MemoTable{T}"/> for
/// the calls woven code makes.
/// </summary>
/// <remarks>
/// Invalidation is O(1) for readers: every entry carries the epoch it was computed in, a hit
/// requires the entry's epoch to equal the table's current one, and invalidating just increments
/// the epoch. Old entries are never served again and are overwritten as slots are reused.
/// </remarks>
public abstract class MemoTable
{
    private readonly object _countersLock = new();
    private ThreadCounters[] _allCounters = [];
    private long _epoch;
    private int _state;
    private long _confirmations;
    private long _invalidations;

    /// <summary>Initialises and validates the shared part of a table.</summary>
    /// <param name="methodName">Stable method identity, e.g. <c>Ns.Type::Checksum(System.Byte[],System.Int32)</c>.</param>
    /// <param name="options">Cache options; null means <see cref="KcrOptions.Default"/>.</param>
    private protected MemoTable(string methodName, KcrOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(methodName);
        options ??= KcrOptions.Default;
        options.Validate(methodName);
        MethodName = methodName;
        Options = options;
        MaxKeyBytes = options.MaxKeyBytes;
        _state = options.LearningConfirmations == 0 ? (int)LearningState.Serving : (int)LearningState.Learning;
        Id = TableRegistry.NextId();
    }

    /// <summary>The name the table was registered under.</summary>
    public string MethodName { get; }

    /// <summary>The options the table was created with.</summary>
    public KcrOptions Options { get; }

    /// <summary>Current determinism learning state.</summary>
    public LearningState State => (LearningState)Volatile.Read(ref _state);

    /// <summary>Current invalidation epoch (starts at 0, +1 per invalidation).</summary>
    public long Epoch => Volatile.Read(ref _epoch);

    /// <summary>Process-wide table number, used to find this table's per-thread slot.</summary>
    internal int Id { get; }

    /// <summary>Copy of <see cref="KcrOptions.MaxKeyBytes"/> read by <see cref="KeyBuilder"/>.</summary>
    internal int MaxKeyBytes { get; }

    /// <summary>Test hook: replaces XxHash3 for this table (e.g. by a constant to force collisions).</summary>
    internal FingerprintFunction? FingerprintOverride { get; set; }

    /// <summary>True once the method was caught giving different results for equal keys.</summary>
    internal bool IsNondeterministic => Volatile.Read(ref _state) == (int)LearningState.Nondeterministic;

    /// <summary>Makes every cached result of this method unreachable, in O(1).</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _epoch);
        Interlocked.Increment(ref _invalidations);
    }

    /// <summary>
    /// Declares that the method reads the static field <paramref name="staticFieldName"/>, so that
    /// <see cref="Memo.InvalidateDependents"/> (called by guard-woven code after it writes that field)
    /// invalidates this table. Call it right after creating the table.
    /// </summary>
    /// <param name="staticFieldName">Field identity agreed between the weavers; we recommend Cecil's
    /// <c>FieldReference.FullName</c>, e.g. <c>System.Int32 Ns.Type::field</c>.</param>
    public void DependsOn(string staticFieldName) => StaticDependencies.Get(staticFieldName).Add(this);

    /// <summary>Reads all counters into a snapshot (sums every thread's counters; slightly racy, never torn).</summary>
    /// <returns>The snapshot.</returns>
    public MemoStatistics GetStatistics()
    {
        long calls = 0, l2 = 0, l3 = 0, misses = 0, learning = 0, bypassed = 0, uncacheable = 0, inserts = 0, l2Ev = 0, l3Ev = 0;
        foreach (ThreadCounters c in Volatile.Read(ref _allCounters))
        {
            calls += Volatile.Read(ref c.Calls);
            l2 += Volatile.Read(ref c.L2Hits);
            l3 += Volatile.Read(ref c.L3Hits);
            misses += Volatile.Read(ref c.Misses);
            learning += Volatile.Read(ref c.LearningCalls);
            bypassed += Volatile.Read(ref c.Bypassed);
            uncacheable += Volatile.Read(ref c.Uncacheable);
            inserts += Volatile.Read(ref c.Inserts);
            l2Ev += Volatile.Read(ref c.L2Evictions);
            l3Ev += Volatile.Read(ref c.L3Evictions);
        }

        return new MemoStatistics(MethodName, State, calls, l2, l3, misses, learning, bypassed, uncacheable, inserts, l2Ev, l3Ev,
            Volatile.Read(ref _invalidations), Volatile.Read(ref _confirmations), Epoch);
    }

    /// <summary>Records that the thread owning <paramref name="counters"/> started using this table.</summary>
    private protected void TrackCounters(ThreadCounters counters)
    {
        lock (_countersLock)
        {
            Volatile.Write(ref _allCounters, [.. _allCounters, counters]);
        }
    }

    /// <summary>Counts one more equal result; switches to serving once there are enough.</summary>
    private protected void Confirm()
    {
        if (Interlocked.Increment(ref _confirmations) >= Options.LearningConfirmations)
        {
            Interlocked.CompareExchange(ref _state, (int)LearningState.Serving, (int)LearningState.Learning);
        }
    }

    /// <summary>Marks the method nondeterministic for good.</summary>
    private protected void Condemn() => Volatile.Write(ref _state, (int)LearningState.Nondeterministic);
}
