namespace KcrRuntime;

/// <summary>
/// All live tables, held weakly: a table belongs to its module (a static field of the module's type), so a module
/// unloaded from a collectible context takes its tables with it. Registration is rare (once per memoized method);
/// enumeration for statistics, metrics, the switch and InvalidateAll takes a snapshot and prunes dead entries.
/// </summary>
internal static class TableRegistry
{
    private static readonly object s_lock = new();
    private static WeakReference<MemoTable>[] s_tables = [];
    private static int s_nextId = -1;

    internal static MemoTable[] Snapshot
    {
        get
        {
            WeakReference<MemoTable>[] references = Volatile.Read(ref s_tables);
            var live = new List<MemoTable>(references.Length);
            foreach (WeakReference<MemoTable> reference in references)
            {
                if (reference.TryGetTarget(out MemoTable? table))
                {
                    live.Add(table);
                }
            }

            if (live.Count < references.Length)
            {
                Prune();
            }

            return live.ToArray();
        }
    }

    internal static int NextId() => Interlocked.Increment(ref s_nextId);

    internal static void Add(MemoTable table)
    {
        KcrMetrics.EnsureCreated();
        lock (s_lock)
        {
            Volatile.Write(ref s_tables, [.. s_tables.Where(r => r.TryGetTarget(out _)), new WeakReference<MemoTable>(table)]);
        }
    }

    internal static bool Remove(MemoTable table)
    {
        lock (s_lock)
        {
            WeakReference<MemoTable>[] kept =
                [.. s_tables.Where(r => r.TryGetTarget(out MemoTable? t) && !ReferenceEquals(t, table))];
            bool removed = kept.Length < s_tables.Count(r => r.TryGetTarget(out _));
            Volatile.Write(ref s_tables, kept);
            return removed;
        }
    }

    private static void Prune()
    {
        lock (s_lock)
        {
            Volatile.Write(ref s_tables, [.. s_tables.Where(r => r.TryGetTarget(out _))]);
        }
    }
}
