namespace KcrRuntime;

/// <summary>
/// What a failed lookup hands to the insert after the original ran: the table stamp before the call (a result
/// computed across an invalidation dies with the old stamp), the key's hash, and a timestamp when the call is one
/// the profit model samples.
/// </summary>
public readonly struct MemoMiss
{
    internal readonly long Stamp;
    internal readonly ulong Hash;
    internal readonly long Started;

    internal MemoMiss(long stamp, ulong hash, long started)
    {
        Stamp = stamp;
        Hash = hash;
        Started = started;
    }
}
