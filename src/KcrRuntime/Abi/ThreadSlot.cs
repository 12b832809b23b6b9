namespace KcrRuntime;

/// <summary>
/// A thread's private state for one table: its direct-mapped L2 and its counters. Only the
/// owning thread touches the L2, so it needs neither locks nor version stamps.
/// </summary>
/// <typeparam name="T">Result type.</typeparam>
internal sealed class ThreadSlot<T>
{
    internal readonly MemoEntry<T>?[] L2;
    internal readonly int L2Mask;
    internal readonly ThreadCounters Counters = new();

    internal ThreadSlot(int l2Entries)
    {
        int size = KcrOptions.RoundUpToPowerOfTwo(l2Entries);
        L2 = new MemoEntry<T>?[size];
        L2Mask = size - 1;
    }
}
