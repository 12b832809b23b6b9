namespace KcrRuntime;

/// <summary>A snapshot of one memoized method's counters (the counterpart of KCR's debugfs stats).</summary>
/// <remarks>Calls are counted while the table serves or learns; once KCR is off, or the table is nondeterministic
/// or unprofitable, the wrapper calls the original at the cost of one load and branch and counts nothing.</remarks>
/// <param name="MethodName">The name the table was registered under.</param>
/// <param name="State">Learning state.</param>
/// <param name="L2Hits">Calls served from the calling thread's L2.</param>
/// <param name="L3Hits">Calls served from the shared L3 (and promoted to L2).</param>
/// <param name="Misses">Calls whose key had no entry; they ran the original and inserted its result.</param>
/// <param name="LearningCalls">Calls whose key was not confirmed yet; they ran the original and compared results.</param>
/// <param name="Uncacheable">Calls whose buffers exceeded <see cref="KcrOptions.MaxKeyBytes"/> or whose entry did not
/// fit the budgets.</param>
/// <param name="Inserts">Entries written to the cache.</param>
/// <param name="Evictions">Live entries evicted (set conflict or byte budget); their per-thread copies go with them.</param>
/// <param name="Invalidations">Times the table was invalidated.</param>
/// <param name="Confirmations">Equal results observed for equal keys while learning.</param>
/// <param name="Epoch">Current invalidation epoch.</param>
/// <param name="Bytes">Estimated heap bytes of the entries the table holds.</param>
/// <param name="BodyNanoseconds">Mean measured duration of the original (sampled while learning and on misses).</param>
public readonly record struct MemoStatistics(
    string MethodName,
    LearningState State,
    long L2Hits,
    long L3Hits,
    long Misses,
    long LearningCalls,
    long Uncacheable,
    long Inserts,
    long Evictions,
    long Invalidations,
    long Confirmations,
    long Epoch,
    long Bytes,
    double BodyNanoseconds)
{
    /// <summary>Calls counted: hits, misses, learning calls and uncacheable calls.</summary>
    public long Calls => L2Hits + L3Hits + Misses + LearningCalls + Uncacheable;

    /// <summary>All hits, L2 and L3.</summary>
    public long Hits => L2Hits + L3Hits;

    /// <summary>Fraction of counted calls served from the cache, 0 when there were none.</summary>
    public double HitRate => Calls == 0 ? 0 : (double)Hits / Calls;
}
