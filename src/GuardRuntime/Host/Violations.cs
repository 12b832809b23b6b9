namespace GuardRuntime;

/// <summary>
/// The bounded in-memory log of recent violations, and the subscription point for hosts that want to react to
/// them (alert, unload the module, count).
/// </summary>
public static class Violations
{
    private static readonly object Gate = new();
    private static GuardViolation[] ring = new GuardViolation[256];
    private static long total;
    private static int held; // how many entries of the ring are valid (fewer than its length after a resize)

    /// <summary>Raised for every recorded violation, on the thread of the faulting store, before the action is applied.</summary>
    /// <remarks>
    /// Handlers must be quick and must not throw; an exception from a handler is swallowed so that it cannot change the
    /// verdict. A handler must not store into guarded memory of the faulting module (it would recurse into the guard).
    /// </remarks>
    public static event Action<GuardViolation>? Raised;

    /// <summary>How many violations have been recorded since start (the log keeps only the newest <see cref="Capacity"/>).</summary>
    public static long Total => Interlocked.Read(ref total);

    /// <summary>How many violations the log keeps (256 by default). Changing it keeps the newest entries and the total.</summary>
    public static int Capacity
    {
        get => Volatile.Read(ref ring).Length;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            lock (Gate)
            {
                var recent = RecentUnlocked();
                var next = new GuardViolation[value];
                // Keep the ring's invariant (entry i lives at i % length) for the entries that survive.
                long kept = Math.Min(recent.Count, value);
                for (long i = total - kept; i < total; i++) next[i % value] = recent[(int)(recent.Count - (total - i))];
                ring = next;
                held = (int)kept;
            }
        }
    }

    /// <summary>The violations the log still holds, oldest first.</summary>
    public static IReadOnlyList<GuardViolation> Recent()
    {
        lock (Gate) return RecentUnlocked();
    }

    /// <summary>Empties the log (the total is reset too).</summary>
    public static void Clear()
    {
        lock (Gate)
        {
            Array.Clear(ring);
            Interlocked.Exchange(ref total, 0);
            held = 0;
        }
    }

    internal static void Record(ModuleGuard module, GuardViolation violation)
    {
        lock (Gate) Append(violation);
        GuardMetrics.Violation(module, violation.Action);
        var handlers = Raised;
        if (handlers is null) return;
        foreach (var handler in handlers.GetInvocationList())
        {
            try { ((Action<GuardViolation>)handler)(violation); }
            catch (Exception) { /* a subscriber must not be able to change the verdict */ }
        }
    }

    private static void Append(GuardViolation violation)
    {
        ring[total % ring.Length] = violation;
        if (held < ring.Length) held++;
        Interlocked.Increment(ref total);
    }

    private static List<GuardViolation> RecentUnlocked()
    {
        long count = held;
        var result = new List<GuardViolation>((int)count);
        for (long i = total - count; i < total; i++) result.Add(ring[i % ring.Length]);
        return result;
    }
}
