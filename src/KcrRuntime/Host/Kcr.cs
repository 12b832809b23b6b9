namespace KcrRuntime;

/// <summary>
/// The host's control of the KCR runtime: the on/off switch, table registration, invalidation and statistics.
/// Woven modules never reach this class (the weaver and the load-time verifier refuse any reference to this
/// assembly); their wrappers call the ABI in KcrRuntime.Abi (<see cref="Memo"/>, <see cref="MemoTable{TKey, TResult}"/>).
/// </summary>
public static class Kcr
{
    /// <summary>Name of the <see cref="System.Diagnostics.Metrics.Meter"/> publishing the counters.</summary>
    public const string MeterName = KcrMetrics.MeterName;

    /// <summary>
    /// Global switch, initialised once from the <c>KCR_ENABLE</c> environment variable ("0",
    /// "false", "off" or "no" disable; default on). Folded into every table's stamp: while off, a wrapper
    /// loads the stamp, sees it inactive and calls the original. Entries cached before switching off stay valid
    /// (invalidations are still applied while off).
    /// </summary>
    public static bool Enabled
    {
        get => KcrSwitch.Enabled;
        set => KcrSwitch.Enabled = value;
    }

    /// <summary>
    /// Process-wide byte budget over every table's entries (default 256 MiB); a table over it evicts its own
    /// entries to insert, and stops inserting when it has none left.
    /// </summary>
    public static long MaxTotalBytes
    {
        get => Volatile.Read(ref MemoBudget.MaxTotalBytes);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            Volatile.Write(ref MemoBudget.MaxTotalBytes, value);
        }
    }

    /// <summary>Bytes all tables hold now (estimate).</summary>
    public static long TotalBytes => MemoBudget.Total;

    /// <summary>All live tables (held weakly: an unloaded module's tables leave with it).</summary>
    public static IReadOnlyList<MemoTable> Tables => TableRegistry.Snapshot;

    /// <summary>Creates and registers a table; same as <c>new MemoTable&lt;TKey, TResult&gt;(methodName, options)</c>.</summary>
    /// <typeparam name="TKey">The scalar key (a <see cref="MemoKey{T1}"/>).</typeparam>
    /// <typeparam name="TResult">Result type of the memoized method.</typeparam>
    /// <param name="methodName">Stable method identity, e.g. <c>Ns.Type::Checksum(System.Byte[],System.Int32)</c>.</param>
    /// <param name="options">Options, or null for defaults.</param>
    /// <returns>The new table.</returns>
    /// <exception cref="NotSupportedException">When <typeparamref name="TResult"/> cannot be cached safely.</exception>
    public static MemoTable<TKey, TResult> Register<TKey, TResult>(string methodName, KcrOptions? options = null)
        where TKey : unmanaged => new(methodName, options);

    /// <summary>Removes a table from statistics and name-based invalidation (e.g. when a collectible context unloads).</summary>
    /// <param name="table">The table.</param>
    /// <returns>True if it was registered.</returns>
    public static bool Unregister(MemoTable table) => TableRegistry.Remove(table);

    /// <summary>Invalidates one table in O(1).</summary>
    /// <param name="table">The table.</param>
    public static void Invalidate(MemoTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.Invalidate();
    }

    /// <summary>Invalidates every table registered under <paramref name="methodName"/>.</summary>
    /// <param name="methodName">The registered name.</param>
    /// <returns>Number of tables invalidated.</returns>
    public static int Invalidate(string methodName)
    {
        int count = 0;
        foreach (MemoTable table in TableRegistry.Snapshot)
        {
            if (string.Equals(table.MethodName, methodName, StringComparison.Ordinal))
            {
                table.Invalidate();
                count++;
            }
        }

        return count;
    }

    /// <summary>Invalidates every registered table.</summary>
    public static void InvalidateAll()
    {
        foreach (MemoTable table in TableRegistry.Snapshot)
        {
            table.Invalidate();
        }
    }

    /// <summary>
    /// Invalidates the tables that declared (<see cref="MemoTable.DependsOn"/>) that they read
    /// <paramref name="staticFieldName"/>. Call after the store; see <see cref="StaticDependency"/>.
    /// </summary>
    /// <param name="staticFieldName">The field identity, e.g. <c>System.Int32 Ns.Type::field</c>.</param>
    public static void InvalidateDependents(string staticFieldName) => Memo.InvalidateDependents(staticFieldName);

    /// <summary>The dependency object for a static field, created on first use; cacheable by woven code.</summary>
    /// <param name="staticFieldName">The field identity.</param>
    /// <returns>The single dependency object for that name.</returns>
    public static StaticDependency GetDependency(string staticFieldName) => StaticDependencies.Get(staticFieldName);

    /// <summary>Writes every table's statistics as text, like KCR's debugfs <c>stats</c> file.</summary>
    /// <param name="writer">Destination.</param>
    public static void DumpStats(TextWriter writer) => StatsWriter.Write(writer, TableRegistry.Snapshot, Enabled);
}
