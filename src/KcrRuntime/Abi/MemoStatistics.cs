namespace KcrRuntime;

/// <summary>A snapshot of one memoized method's counters (the counterpart of KCR's debugfs stats).</summary>
/// <param name="MethodName">The name the table was registered under.</param>
/// <param name="State">Determinism learning state.</param>
/// <param name="Calls">Calls made while KCR was enabled.</param>
/// <param name="L2Hits">Calls served from the calling thread's L2.</param>
/// <param name="L3Hits">Calls served from the shared L3 (and promoted to L2).</param>
/// <param name="Misses">Calls in the serving state that found no entry and ran the original.</param>
/// <param name="LearningCalls">Calls that ran the original because the method was still learning.</param>
/// <param name="Bypassed">Calls that ran the original because the method is nondeterministic.</param>
/// <param name="Uncacheable">Calls whose key exceeded <see cref="KcrOptions.MaxKeyBytes"/>.</param>
/// <param name="Inserts">Entries written to the cache.</param>
/// <param name="L2Evictions">Live L2 entries replaced by another key.</param>
/// <param name="L3Evictions">Live L3 entries replaced by another key.</param>
/// <param name="Invalidations">Times the table was invalidated (API, static dependency or InvalidateAll).</param>
/// <param name="Confirmations">Equal results observed for equal keys during learning.</param>
/// <param name="Epoch">Current invalidation epoch; entries of older epochs are dead.</param>
public readonly record struct MemoStatistics(
    string MethodName,
    LearningState State,
    long Calls,
    long L2Hits,
    long L3Hits,
    long Misses,
    long LearningCalls,
    long Bypassed,
    long Uncacheable,
    long Inserts,
    long L2Evictions,
    long L3Evictions,
    long Invalidations,
    long Confirmations,
    long Epoch)
{
    /// <summary>All hits, L2 and L3.</summary>
    public long Hits => L2Hits + L3Hits;

    /// <summary>Live entries evicted from either tier.</summary>
    public long Evictions => L2Evictions + L3Evictions;

    /// <summary>Fraction of calls served from the cache, 0 when there were no calls.</summary>
    public double HitRate => Calls == 0 ? 0 : (double)Hits / Calls;
}
