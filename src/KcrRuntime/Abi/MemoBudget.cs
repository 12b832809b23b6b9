namespace KcrRuntime;

/// <summary>The process-wide byte budget over every table's entries (256 MiB by default; host: Kcr.MaxTotalBytes).</summary>
internal static class MemoBudget
{
    internal const long DefaultMaxTotalBytes = 256L << 20;

    private static long s_total;

    internal static long MaxTotalBytes = DefaultMaxTotalBytes;

    internal static long Total => Volatile.Read(ref s_total);

    internal static bool TryAdd(long bytes)
    {
        if (Interlocked.Add(ref s_total, bytes) <= Volatile.Read(ref MaxTotalBytes))
        {
            return true;
        }

        Interlocked.Add(ref s_total, -bytes);
        return false;
    }

    internal static void Release(long bytes) => Interlocked.Add(ref s_total, -bytes);
}
