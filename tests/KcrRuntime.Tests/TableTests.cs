using System.Runtime.CompilerServices;
using KcrSamples;

namespace KcrRuntime.Tests;

/// <summary>Learning per key, buffers compared in place, array results, tiers, invalidation and statistics.</summary>
public sealed class TableTests
{
    [Fact]
    public void Learning_is_per_key_and_one_mismatch_condemns_the_table()
    {
        var memo = TestMemo<MemoKey<int>, long>.Create("PerKey", confirmations: 2);
        long ticks = 0;
        long F(int x) => memo.Call(new(x), () => x < 10 ? x * 2L : x * 1000L + ticks++);
        int computed = 0;
        for (int round = 0; round < 5; round++)
            for (int x = 1; x <= 3; x++)
                memo.Call(new(x), () => { computed++; return x * 2L; });
        Assert.Equal(9, computed); // per key: first result, two confirmations, then served
        Assert.Equal(LearningState.Serving, memo.Table.State);

        // Key 20 has no confirmations of its own: computed and compared, never served from keys 1..3's.
        Assert.Equal(20000, F(20));
        Assert.Equal(20001, F(20));
        Assert.Equal(LearningState.Nondeterministic, memo.Table.State);
        Assert.False(memo.Table.IsActive);
        Assert.Equal(20002, F(20));
    }

    [Fact]
    public void A_buffer_is_compared_in_place_and_stored_as_a_copy()
    {
        var memo = TestMemo<MemoKey<bool>, int>.Create("Buffer");
        var data = new byte[] { 1, 2, 3 };
        int n = 0;
        Assert.Equal(1, memo.Call(new(true), data, () => ++n, out _));
        Assert.Equal(1, memo.Call(new(true), new byte[] { 1, 2, 3 }, () => ++n, out bool hit));
        Assert.True(hit);
        data[0] = 9; // the caller reuses its buffer: the entry kept its own copy
        Assert.Equal(2, memo.Call(new(true), data, () => ++n, out hit));
        Assert.False(hit);
        Assert.Equal(1, memo.Call(new(true), new byte[] { 1, 2, 3 }, () => ++n, out hit));
        Assert.True(hit);
        Assert.Equal(3, memo.Call(new(false), new byte[] { 1, 2, 3 }, () => ++n, out hit)); // the null flag scalar differs
    }

    [Fact]
    public void A_buffer_over_MaxKeyBytes_is_uncacheable()
    {
        var memo = TestMemo<MemoKey<bool>, int>.Create("Big", maxKeyBytes: 64);
        for (int i = 0; i < 3; i++) memo.Call(new(true), new byte[65], () => 1, out _);
        var s = memo.Table.GetStatistics();
        Assert.Equal(0, s.Hits);
        Assert.Equal(3, s.Uncacheable);
    }

    [Fact]
    public void Array_results_are_copied_on_insert_and_on_every_hit()
    {
        var memo = TestMemo<MemoKey<int>, byte[]>.Create("Arrays");
        var first = memo.Call(new(1), () => new byte[] { 1, 2 });
        first[0] = 99;
        var second = memo.Call(new(1), () => throw new InvalidOperationException(), out bool hit);
        Assert.True(hit);
        Assert.Equal(new byte[] { 1, 2 }, second);
        second[1] = 77;
        Assert.Equal(new byte[] { 1, 2 }, memo.Call(new(1), () => throw new InvalidOperationException()));
    }

    [Fact]
    public void Every_hit_is_counted_as_an_L2_hit_when_the_L2_holds_the_key()
    {
        var memo = TestMemo<MemoKey<int, long>, long>.Create("Count");
        memo.Call(new(7, 11), () => 5);
        for (int i = 0; i < 1000; i++) memo.Call(new(7, 11), () => -1);
        var s = memo.Table.GetStatistics();
        Assert.Equal(1000, s.L2Hits);
        Assert.Equal(0, s.L3Hits);
        Assert.Equal(1, s.Misses);
        Assert.Equal(1001, s.Calls);
    }

    [Fact]
    public void A_one_entry_L2_falls_back_to_the_L3()
    {
        var memo = TestMemo<MemoKey<int>, int>.Create("L3", l2: 1);
        memo.Call(new(1), () => 1);
        memo.Call(new(2), () => 2);
        for (int i = 0; i < 10; i++) Assert.Equal(1 + (i & 1), memo.Call(new(1 + (i & 1)), () => -1));
        Assert.Equal(10, memo.Table.GetStatistics().L3Hits);
    }

    [Fact]
    public void Invalidation_kills_every_entry_and_a_result_computed_across_it_is_not_kept()
    {
        var memo = TestMemo<MemoKey<int>, int>.Create("Invalidate");
        int value = 1;
        memo.Call(new(1), () => value);
        value = 2;
        memo.Table.Invalidate();
        Assert.Equal(2, memo.Call(new(1), () => value, out bool hit));
        Assert.False(hit);

        // The epoch moves while the original runs: what it computed dies with the old epoch.
        var key = new MemoKey<int>(5);
        Assert.False(memo.Table.Lookup(memo.Slot!, in key, out _, out MemoMiss miss));
        memo.Table.Invalidate();
        memo.Table.Add(memo.Slot!, in key, 50, in miss);
        Assert.Equal(51, memo.Call(new(5), () => 51, out hit));
        Assert.False(hit);
    }

    [Fact]
    public void Static_dependencies_invalidate_their_tables()
    {
        var memo = TestMemo<MemoKey<int>, int>.Create("Depends");
        memo.Table.DependsOn("System.Int32 Tests.Depends::s_field");
        memo.Call(new(1), () => 1);
        Memo.InvalidateDependents("System.Int32 Tests.Depends::s_field");
        memo.Call(new(1), () => 2, out bool hit);
        Assert.False(hit);
        Assert.Equal(1, memo.Table.GetStatistics().Invalidations);
    }

    [Fact]
    public void Hits_with_value_results_do_not_allocate()
    {
        var scalar = TestMemo<MemoKey<int, long>, long>.Create("NoAllocScalar").Table;
        var buffer = TestMemo<MemoKey<bool>, uint>.Create("NoAllocBuffer").Table;
        var packet = new byte[1500];
        new Random(3).NextBytes(packet);
        for (int i = 0; i < 100; i++) { Scalar(scalar); Buffer(buffer, packet); }
        long before = GC.GetAllocatedBytesForCurrentThread();
        int hits = 0;
        for (int i = 0; i < 10_000; i++) hits += (Scalar(scalar) ? 1 : 0) + (Buffer(buffer, packet) ? 1 : 0);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(20_000, hits);
    }

    [ThreadStatic] private static MemoSlot<MemoKey<int, long>, long>? t_scalar;
    [ThreadStatic] private static MemoSlot<MemoKey<bool>, uint>? t_buffer;

    // Written out as woven code, so no delegate or closure is allocated per call.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool Scalar(MemoTable<MemoKey<int, long>, long> table)
    {
        var key = new MemoKey<int, long>(7, 11);
        if (table.TryGet(t_scalar, in key, out _)) return true;
        t_scalar ??= table.CreateSlot();
        if (table.Lookup(t_scalar, in key, out _, out MemoMiss miss)) return true;
        table.Add(t_scalar, in key, 77, in miss);
        return false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool Buffer(MemoTable<MemoKey<bool>, uint> table, byte[] data)
    {
        var key = new MemoKey<bool>(true);
        if (table.TryGet(t_buffer, in key, MemoBuffer.Of(data), out _)) return true;
        t_buffer ??= table.CreateSlot();
        if (table.Lookup(t_buffer, in key, MemoBuffer.Of(data), out _, out MemoMiss miss)) return true;
        table.Add(t_buffer, in key, MemoBuffer.Of(data), 5u, in miss);
        return false;
    }

    [Fact]
    public void The_hand_woven_samples_serve_and_the_ticket_kernel_is_condemned()
    {
        var packet = new byte[1500];
        new Random(9).NextBytes(packet);
        for (int i = 0; i < 6; i++) Assert.Equal(System.Security.Cryptography.SHA256.HashData(packet), HandWovenKernels.Sha256(packet));
        Assert.Equal(LearningState.Serving, HandWovenKernels.Sha256Table.State);
        Assert.NotEqual(HandWovenKernels.NextTicket(3), HandWovenKernels.NextTicket(3));
        Assert.Equal(LearningState.Nondeterministic, HandWovenKernels.TicketTable.State);
    }

    [Fact]
    public void Concurrent_calls_and_invalidations_always_return_the_original_result()
    {
        var memo = TestMemo<MemoKey<int>, long>.Create("Concurrent", l2: 16, l3: 64);
        long version = 0, published = 0;
        var failures = 0;
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            for (int i = 0; i < 20_000; i++)
            {
                int x = random.Next(200);
                if (t == 0 && i % 100 == 0)
                {
                    Interlocked.Increment(ref version);
                    memo.Table.Invalidate(); // after the change, as woven static stores do
                    Volatile.Write(ref published, Volatile.Read(ref version));
                    continue;
                }
                long v = Volatile.Read(ref published);
                long result = memo.Call(new(x), () => x * 1_000_000L + Volatile.Read(ref version));
                // A call that starts after an invalidation never gets a result computed before it.
                if (result % 1_000_000 < v || result / 1_000_000 != x) Interlocked.Increment(ref failures);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(0, failures);
    }
}
