using KcrSamples;

namespace KcrRuntime.Tests;

/// <summary>Determinism learning: serve only after confirmations, condemn on the first mismatch.</summary>
public sealed class LearningTests
{
    [Fact]
    public void Pure_method_is_served_after_the_configured_confirmations()
    {
        MemoTable<int> table = TestTables.Learning<int>("Pure", confirmations: 3);
        int computed = 0;
        int Square(int n) => TestTables.Call(table, (ref KeyBuilder k) => k.Add(n), () => { computed++; return n * n; }, out _);

        Assert.Equal(LearningState.Learning, table.State);
        Assert.Equal(49, Square(7)); // first result recorded
        Assert.Equal(49, Square(7)); // confirmation 1
        Assert.Equal(49, Square(7)); // confirmation 2
        Assert.Equal(LearningState.Learning, table.State);
        Assert.Equal(49, Square(7)); // confirmation 3 -> serving
        Assert.Equal(LearningState.Serving, table.State);
        Assert.Equal(4, computed);

        Assert.Equal(49, Square(7));
        Assert.Equal(4, computed);
        MemoStatistics stats = table.GetStatistics();
        Assert.Equal(4, stats.LearningCalls);
        Assert.Equal(1, stats.L2Hits);
        Assert.Equal(3, stats.Confirmations);
    }

    [Fact]
    public void Method_reading_a_counter_is_marked_nondeterministic_for_good()
    {
        MemoTable<long> table = TestTables.Learning<long>("Counter", confirmations: 3);
        long counter = 0;
        long Ticket(int q) => TestTables.Call(table, (ref KeyBuilder k) => k.Add(q), () => q + Interlocked.Increment(ref counter));

        long a = Ticket(1);
        long b = Ticket(1);
        Assert.NotEqual(a, b);
        Assert.Equal(LearningState.Nondeterministic, table.State);

        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(1 + counter + 1, Ticket(1)); // always freshly computed
        }

        MemoStatistics stats = table.GetStatistics();
        Assert.Equal(0, stats.Hits);
        Assert.Equal(10, stats.Bypassed);
        Assert.Equal(LearningState.Nondeterministic, stats.State);
    }

    [Fact]
    public void Hand_woven_sample_ticket_kernel_is_rejected_by_learning()
    {
        long first = HandWovenKernels.NextTicket(3);
        long second = HandWovenKernels.NextTicket(3);
        Assert.NotEqual(first, second);
        Assert.Equal(LearningState.Nondeterministic, HandWovenKernels.TicketTable.State);
        Assert.NotEqual(HandWovenKernels.NextTicket(3), HandWovenKernels.NextTicket(3));
    }

    [Fact]
    public void Zero_confirmations_serves_immediately()
    {
        MemoTable<int> table = TestTables.Learning<int>("Trusting", confirmations: 0);
        Assert.Equal(LearningState.Serving, table.State);
        TestTables.Call(table, (ref KeyBuilder k) => k.Add(1), () => 1);
        TestTables.Call(table, (ref KeyBuilder k) => k.Add(1), () => 1, out bool hit);
        Assert.True(hit);
    }

    [Fact]
    public void Array_results_are_compared_by_content_during_learning()
    {
        MemoTable<byte[]> table = TestTables.Learning<byte[]>("ArrayLearn", confirmations: 2);
        for (int i = 0; i < 3; i++)
        {
            TestTables.Call(table, (ref KeyBuilder k) => k.Add(5), () => new byte[] { 1, 2, 3 });
        }

        Assert.Equal(LearningState.Serving, table.State);
    }
}
