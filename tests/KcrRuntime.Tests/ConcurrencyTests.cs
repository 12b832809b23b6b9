namespace KcrRuntime.Tests;

/// <summary>Several threads, mixed keys, small caches (so entries are constantly replaced).</summary>
public sealed class ConcurrencyTests
{
    private const int Threads = 4;

    [Fact]
    public void Concurrent_callers_always_get_the_right_result()
    {
        MemoTable<string> table = TestTables.Serving<string>("Concurrent", l2: 16, l3: 64);
        int[] failures = new int[1];
        RunThreads(seed =>
        {
            var random = new Random(seed);
            for (int i = 0; i < 20_000; i++)
            {
                int n = random.Next(0, 300);
                byte[] payload = [(byte)n, (byte)(n >> 8)];
                string text = (n % 7).ToString();
                string result = TestTables.Call(table, (ref KeyBuilder k) => { k.Add(n); k.Add(payload); k.Add(text); }, () => Expected(n, text));
                if (result != Expected(n, text))
                {
                    Interlocked.Increment(ref failures[0]);
                }
            }
        });

        Assert.Equal(0, failures[0]);
        MemoStatistics stats = table.GetStatistics();
        Assert.Equal(Threads * 20_000L, stats.Calls);
        Assert.True(stats.L2Hits > 0 && stats.L3Hits > 0 && stats.Misses > 0, stats.ToString());
    }

    [Fact]
    public void Concurrent_collisions_and_learning_never_leak_results()
    {
        MemoTable<long> table = TestTables.Learning<long>("ConcurrentCollide", confirmations: 2);
        table.FingerprintOverride = static key => (ulong)key.Length; // many equal fingerprints
        int[] failures = new int[1];
        RunThreads(seed =>
        {
            var random = new Random(seed);
            for (int i = 0; i < 10_000; i++)
            {
                long n = random.Next(0, 500);
                long result = TestTables.Call(table, (ref KeyBuilder k) => k.Add(n), () => n * 3 + 1);
                if (result != n * 3 + 1)
                {
                    Interlocked.Increment(ref failures[0]);
                }
            }
        });

        Assert.Equal(0, failures[0]);
        Assert.Equal(LearningState.Serving, table.State);
    }

    [Fact]
    public void No_stale_result_survives_concurrent_static_writes()
    {
        string field = $"System.Int32 Tests.Statics::s_offset{Guid.NewGuid():N}";
        MemoTable<int> table = TestTables.Serving<int>("StaticRace", l2: 32, l3: 64);
        table.DependsOn(field);
        int offset = 0;
        using var stop = new CancellationTokenSource();
        var writer = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Volatile.Write(ref offset, offset + 1); // the store...
                Kcr.InvalidateDependents(field);        // ...then the invalidation, as woven code does
            }
        });
        writer.Start();
        RunThreads(seed =>
        {
            var random = new Random(seed);
            for (int i = 0; i < 5_000; i++)
            {
                int n = random.Next(0, 50);
                TestTables.Call(table, (ref KeyBuilder k) => k.Add(n), () => n + Volatile.Read(ref offset));
            }
        });
        stop.Cancel();
        writer.Join();

        int final = Volatile.Read(ref offset);
        for (int n = 0; n < 50; n++)
        {
            Assert.Equal(n + final, TestTables.Call(table, (ref KeyBuilder k) => k.Add(n), () => n + Volatile.Read(ref offset)));
        }
    }

    [Fact]
    public void An_entry_made_by_one_thread_is_an_L3_hit_for_another_then_an_L2_hit()
    {
        MemoTable<int> table = TestTables.Serving<int>("Promote");
        TestTables.Call(table, (ref KeyBuilder k) => k.Add("shared"), () => 5);
        bool firstHit = false, secondHit = false;
        var other = new Thread(() =>
        {
            TestTables.Call(table, (ref KeyBuilder k) => k.Add("shared"), () => -1, out firstHit);
            TestTables.Call(table, (ref KeyBuilder k) => k.Add("shared"), () => -1, out secondHit);
        });
        other.Start();
        other.Join();

        Assert.True(firstHit && secondHit);
        MemoStatistics stats = table.GetStatistics();
        Assert.Equal(1, stats.L3Hits);
        Assert.Equal(1, stats.L2Hits);
    }

    private static void RunThreads(Action<int> body)
    {
        Exception? failure = null;
        var threads = Enumerable.Range(0, Threads).Select(i => new Thread(() =>
        {
            try
            {
                body(i + 1);
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref failure, ex, null);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Null(failure);
    }

    private static string Expected(int n, string text) => $"{n}:{text}";
}
