namespace KcrRuntime.Tests;

/// <summary>
/// Runs calls through a table exactly as woven code does (IsActive, TryGet, Lookup, original, Add), with the
/// per-thread slot in a ThreadLocal standing for the woven [ThreadStatic] field.
/// </summary>
internal sealed class TestMemo<TKey, TResult>(MemoTable<TKey, TResult> table)
    where TKey : unmanaged
{
    private static int s_counter;
    private readonly ThreadLocal<MemoSlot<TKey, TResult>?> _slot = new();

    public MemoTable<TKey, TResult> Table { get; } = table;

    public MemoSlot<TKey, TResult>? Slot => _slot.Value;

    public static TestMemo<TKey, TResult> Create(string hint, int confirmations = 0, int maxKeyBytes = -1, int l2 = -1, int l3 = -1,
        int maxTableKilobytes = -1, bool checkProfit = false) =>
        new(new MemoTable<TKey, TResult>($"Tests.{hint}::M{Interlocked.Increment(ref s_counter)}()",
            KcrOptions.Create(confirmations, maxKeyBytes, l2, l3, maxTableKilobytes, checkProfit ? 1 : 0)));

    public TResult Call(TKey key, Func<TResult> original) => Call(key, original, out _);

    public TResult Call(TKey key, Func<TResult> original, out bool hit)
    {
        hit = false;
        if (!Table.IsActive) return original();
        if (Table.TryGet(_slot.Value, in key, out TResult result)) { hit = true; return result; }
        _slot.Value ??= Table.CreateSlot();
        if (Table.Lookup(_slot.Value, in key, out result, out MemoMiss miss)) { hit = true; return result; }
        result = original();
        Table.Add(_slot.Value, in key, result, in miss);
        return result;
    }

    public TResult Call(TKey key, ReadOnlySpan<byte> buffer, Func<TResult> original, out bool hit)
    {
        hit = false;
        if (!Table.IsActive) return original();
        if (Table.TryGet(_slot.Value, in key, buffer, out TResult result)) { hit = true; return result; }
        _slot.Value ??= Table.CreateSlot();
        if (Table.Lookup(_slot.Value, in key, buffer, out result, out MemoMiss miss)) { hit = true; return result; }
        result = original();
        Table.Add(_slot.Value, in key, buffer, result, in miss);
        return result;
    }
}

/// <summary>Tests that flip <see cref="Kcr.Enabled"/>, the global budget or invalidate every table run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalStateCollection
{
    public const string Name = "KCR global state";
}
