using KcrRuntime;

namespace KcrSamples;

/// <summary>
/// A kernel that is marked [Memoize] by mistake: it reads a counter, so equal inputs give
/// different results. Determinism learning must catch it and never serve it from the cache.
/// </summary>
public static class NondeterministicKernels
{
    private static long s_ticket;

    /// <summary>Returns <paramref name="queue"/> combined with a ticket number that changes on every call.</summary>
    [Memoize]
    public static long NextTicket(int queue) => NextTicketCore(queue);

    internal static long NextTicketCore(int queue) => ((long)queue << 32) | (uint)Interlocked.Increment(ref s_ticket);
}
