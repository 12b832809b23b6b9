namespace KcrRuntime;

/// <summary>
/// The memo tables that read one static field. Guard-woven code that writes the field calls
/// <see cref="Invalidate"/> (or <see cref="Memo.InvalidateDependents"/>) <em>after</em> the store.
/// </summary>
/// <remarks>
/// Why after: a memoized call captures its table's epoch before running the original. If the
/// epoch moved before the new value was stored, a call could read the old value under the new
/// epoch and cache a stale result. Invalidating after the store means any call that could have
/// seen the old value holds the old epoch, and its result is dead on arrival.
/// The guard weaver may cache the object returned by <c>Kcr.GetDependency</c> in a static
/// field to skip the name lookup on every write; with no dependents the call is a load and a branch.
/// </remarks>
public sealed class StaticDependency
{
    private readonly object _lock = new();
    private WeakReference<MemoTable>[] _dependents = []; // weak: a collectible module's tables must not stay rooted

    internal StaticDependency(string staticFieldName) => StaticFieldName = staticFieldName;

    /// <summary>The field identity this dependency stands for.</summary>
    public string StaticFieldName { get; }

    /// <summary>Number of tables that declared they read the field.</summary>
    public int DependentCount => Volatile.Read(ref _dependents).Count(r => r.TryGetTarget(out _));

    /// <summary>Invalidates every table that read the field: one epoch increment per table.</summary>
    public void Invalidate()
    {
        foreach (WeakReference<MemoTable> reference in Volatile.Read(ref _dependents))
        {
            if (reference.TryGetTarget(out MemoTable? table))
            {
                table.Invalidate();
            }
        }
    }

    internal void Add(MemoTable table)
    {
        lock (_lock)
        {
            if (!_dependents.Any(r => r.TryGetTarget(out MemoTable? t) && ReferenceEquals(t, table)))
            {
                Volatile.Write(ref _dependents,
                    [.. _dependents.Where(r => r.TryGetTarget(out _)), new WeakReference<MemoTable>(table)]);
            }
        }
    }
}
