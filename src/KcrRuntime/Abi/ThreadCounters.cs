namespace KcrRuntime;

/// <summary>
/// One thread's counters for one table. Only the owning thread writes them (plain increments,
/// no interlocked traffic on the hot path); statistics readers sum all threads' instances and
/// may see values a few increments old.
/// </summary>
internal sealed class ThreadCounters
{
    internal long Calls;
    internal long L2Hits;
    internal long L3Hits;
    internal long Misses;
    internal long LearningCalls;
    internal long Bypassed;
    internal long Uncacheable;
    internal long Inserts;
    internal long L2Evictions;
    internal long L3Evictions;
}
