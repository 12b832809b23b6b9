using System.Runtime.CompilerServices;

namespace KcrRuntime.Tests;

/// <summary>Byte budgets, evictions, per-thread state released with threads and entries, the profit check, the switch.</summary>
[Collection(GlobalStateCollection.Name)]
public sealed class LifecycleTests
{
    [Fact]
    public void The_table_budget_bounds_its_bytes_and_counts_evictions()
    {
        var memo = TestMemo<MemoKey<int>, int>.Create("Budget", maxTableKilobytes: 64, l3: 1 << 16);
        var buffer = new byte[1024];
        for (int i = 0; i < 1000; i++)
        {
            BitConverter.TryWriteBytes(buffer, i);
            memo.Call(new(1), buffer, () => i, out _);
        }
        var s = memo.Table.GetStatistics();
        Assert.True(s.Bytes <= 64 * 1024, $"{s.Bytes} bytes");
        Assert.True(s.Evictions >= 900, $"{s.Evictions} evictions");
        Assert.Equal(1000, s.Inserts);
    }

    [Fact]
    public void The_process_budget_bounds_every_table_together()
    {
        long saved = Kcr.MaxTotalBytes;
        try
        {
            Kcr.MaxTotalBytes = Kcr.TotalBytes + 128 * 1024;
            var a = TestMemo<MemoKey<int>, int>.Create("GlobalA", l3: 1 << 16);
            var b = TestMemo<MemoKey<int>, int>.Create("GlobalB", l3: 1 << 16);
            var buffer = new byte[1024];
            for (int i = 0; i < 400; i++)
            {
                BitConverter.TryWriteBytes(buffer, i);
                a.Call(new(1), buffer, () => i, out _);
                b.Call(new(2), buffer, () => i, out _);
            }
            Assert.True(Kcr.TotalBytes <= Kcr.MaxTotalBytes, $"{Kcr.TotalBytes} > {Kcr.MaxTotalBytes}");
            Assert.True(a.Table.GetStatistics().Evictions + b.Table.GetStatistics().Evictions > 0);
        }
        finally
        {
            Kcr.MaxTotalBytes = saved;
        }
    }

    [Fact]
    public void An_evicted_entry_is_released_from_every_threads_L2()
    {
        var memo = TestMemo<MemoKey<int>, string>.Create("Release", maxTableKilobytes: 16, l2: 4096, l3: 1 << 14);
        var first = Insert(memo, 0);
        for (int i = 1; i < 2000; i++) Insert(memo, i); // the budget evicts key 0 long before its L2 slot is reused
        for (int i = 0; i < 10 && first.IsAlive; i++) GC.Collect();
        Assert.False(first.IsAlive, "an evicted result is still held by a per-thread L2 slot");
        Assert.True(memo.Table.GetStatistics().Evictions > 0);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference Insert(TestMemo<MemoKey<int>, string> memo, int i) =>
        new(memo.Call(new(i), () => new string('x', 100) + i));

    [Fact]
    public void A_threads_slot_goes_with_the_thread_and_its_counts_stay()
    {
        var memo = TestMemo<MemoKey<int>, int>.Create("Threads");
        var slot = RunOnThread(memo);
        for (int i = 0; i < 10 && slot.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(slot.IsAlive, "the ended thread's slot is still reachable");
        Assert.Equal(99, memo.Table.GetStatistics().L2Hits);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference RunOnThread(TestMemo<MemoKey<int>, int> memo)
    {
        WeakReference? slot = null;
        var thread = new Thread(() =>
        {
            for (int i = 0; i < 100; i++) memo.Call(new(1), () => 1);
            slot = new WeakReference(memo.Slot);
        });
        thread.Start();
        thread.Join();
        memo.Table.GetType(); // the table stays alive; only the slot may go
        return slot!;
    }

    [Fact]
    public void A_table_that_does_not_pay_becomes_unprofitable_and_is_bypassed()
    {
        var memo = TestMemo<MemoKey<int>, int>.Create("Cheap", checkProfit: true);
        for (int i = 0; i < 5000; i++) memo.Call(new(i), () => i + 1); // every key new: 0% hits
        Assert.Equal(LearningState.Unprofitable, memo.Table.State);
        Assert.False(memo.Table.IsActive);
        long calls = memo.Table.GetStatistics().Calls;
        memo.Call(new(1), () => 2);
        Assert.Equal(calls, memo.Table.GetStatistics().Calls); // bypassed: nothing counted, nothing hashed
    }

    [Fact]
    public void A_table_that_pays_keeps_serving()
    {
        var memo = TestMemo<MemoKey<int>, int>.Create("Costly", checkProfit: true);
        for (int i = 0; i < 6000; i++) memo.Call(new(i % 2 == 0 ? i : 1), () => { Thread.SpinWait(200); return i; }); // 50% hits
        var s = memo.Table.GetStatistics();
        Assert.Equal(LearningState.Serving, s.State);
        Assert.True(s.BodyNanoseconds > 50, $"body {s.BodyNanoseconds} ns");
    }

    [Fact]
    public void Switched_off_the_wrapper_calls_the_original_and_entries_survive()
    {
        var memo = TestMemo<MemoKey<int>, int>.Create("Off");
        int n = 0;
        Assert.Equal(1, memo.Call(new(1), () => ++n));
        Kcr.Enabled = false;
        try
        {
            Assert.False(memo.Table.IsActive);
            Assert.Equal(2, memo.Call(new(1), () => ++n));
            var key = new MemoKey<int>(1);
            Assert.False(memo.Table.TryGet(memo.Slot, in key, out _)); // the stamp alone turns hits off
        }
        finally
        {
            Kcr.Enabled = true;
        }
        Assert.Equal(1, memo.Call(new(1), () => ++n, out bool hit));
        Assert.True(hit);
    }

    [Fact]
    public void InvalidateAll_reaches_every_table()
    {
        var a = TestMemo<MemoKey<int>, int>.Create("AllA");
        var b = TestMemo<MemoKey<int>, long>.Create("AllB");
        long ea = a.Table.Epoch, eb = b.Table.Epoch;
        Kcr.InvalidateAll();
        Assert.Equal(ea + 1, a.Table.Epoch);
        Assert.Equal(eb + 1, b.Table.Epoch);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData(" false ", false)]
    [InlineData("OFF", false)]
    [InlineData("no", false)]
    public void KCR_ENABLE_values_are_parsed(string? value, bool expected) => Assert.Equal(expected, KcrSwitch.Parse(value));

    [Fact]
    public void Statistics_and_metrics_show_the_state()
    {
        var memo = TestMemo<MemoKey<int>, int>.Create("Stats");
        memo.Call(new(1), () => 1);
        memo.Call(new(1), () => 1);
        var writer = new StringWriter();
        Kcr.DumpStats(writer);
        Assert.Contains(memo.Table.MethodName, writer.ToString());
        Assert.Contains("l2_hits: 1", writer.ToString());
        var seen = new List<(string, long)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Meter.Name == Kcr.MeterName) l.EnableMeasurementEvents(i); };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) =>
        {
            foreach (var t in tags) if ((string?)t.Value == memo.Table.MethodName) seen.Add((i.Name, v));
        });
        listener.Start();
        listener.RecordObservableInstruments();
        Assert.Contains(("kcr.l2_hits", 1L), seen);
        Assert.Contains(("kcr.learning_state", (long)LearningState.Serving), seen);
    }
}
