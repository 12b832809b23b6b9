using System.Runtime.CompilerServices;
using KcrRuntime;

namespace Weaver.Benchmarks.Kcr;

/// <summary>
/// The woven call sequence (src/KcrRuntime/README.md) as inlinable C#, over a table and the address of its
/// [ThreadStatic] slot field: exactly the weaver's wrapper (stamp test, key, L2 lookup) and its out-of-line miss.
/// </summary>
internal static class KcrSites
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TResult Scalar<TResult>(MemoTable<MemoKey<int, long>, TResult> table, ref MemoSlot<MemoKey<int, long>, TResult>? slot,
        int a, long b, Func<int, long, TResult> original)
    {
        if (!table.IsActive) return original(a, b);
        var key = new MemoKey<int, long>(a, b);
        if (table.TryGet(slot, in key, out TResult result)) return result;
        return ScalarMiss(table, ref slot, a, b, in key, original);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TResult ScalarMiss<TResult>(MemoTable<MemoKey<int, long>, TResult> table, ref MemoSlot<MemoKey<int, long>, TResult>? slot,
        int a, long b, in MemoKey<int, long> key, Func<int, long, TResult> original)
    {
        slot ??= table.CreateSlot();
        if (table.Lookup(slot, in key, out TResult result, out MemoMiss miss)) return result;
        result = original(a, b);
        table.Add(slot, in key, result, in miss);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TResult Buffer<TResult>(MemoTable<MemoKey<bool>, TResult> table, ref MemoSlot<MemoKey<bool>, TResult>? slot,
        byte[] data, Func<byte[], TResult> original)
    {
        if (!table.IsActive) return original(data);
        var key = new MemoKey<bool>(data != null);
        ReadOnlySpan<byte> view = MemoBuffer.Of(data);
        if (table.TryGet(slot, in key, view, out TResult result)) return result;
        return BufferMiss(table, ref slot, data!, in key, original);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TResult BufferMiss<TResult>(MemoTable<MemoKey<bool>, TResult> table, ref MemoSlot<MemoKey<bool>, TResult>? slot,
        byte[] data, in MemoKey<bool> key, Func<byte[], TResult> original)
    {
        slot ??= table.CreateSlot();
        ReadOnlySpan<byte> view = MemoBuffer.Of(data);
        if (table.Lookup(slot, in key, view, out TResult result, out MemoMiss miss)) return result;
        result = original(data);
        table.Add(slot, in key, view, result, in miss);
        return result;
    }

    /// <summary>Options for a benchmark table: profit check off unless asked (a cheap body would otherwise be bypassed).</summary>
    public static KcrOptions Options(int learning = 0, int l2 = -1, bool checkProfit = false) =>
        KcrOptions.Create(learning, 64 * 1024, l2, -1, -1, checkProfit ? 1 : 0);
}
