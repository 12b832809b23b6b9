namespace KcrRuntime;

/// <summary>
/// All tables created in the process, as a copy-on-write array: registration is rare (once per
/// memoized method), enumeration for statistics and InvalidateAll takes no lock.
/// </summary>
internal static class TableRegistry
{
    private static readonly object s_lock = new();
    private static MemoTable[] s_tables = [];
    private static int s_nextId = -1;

    internal static MemoTable[] Snapshot => Volatile.Read(ref s_tables);

    internal static int NextId() => Interlocked.Increment(ref s_nextId);

    internal static void Add(MemoTable table)
    {
        KcrMetrics.EnsureCreated();
        lock (s_lock)
        {
            Volatile.Write(ref s_tables, [.. s_tables, table]);
        }
    }

    internal static bool Remove(MemoTable table)
    {
        lock (s_lock)
        {
            int index = Array.IndexOf(s_tables, table);
            if (index < 0)
            {
                return false;
            }

            MemoTable[] tables = [.. s_tables];
            Volatile.Write(ref s_tables, [.. tables[..index], .. tables[(index + 1)..]]);
            return true;
        }
    }
}
