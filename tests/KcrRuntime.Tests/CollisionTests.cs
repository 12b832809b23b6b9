namespace KcrRuntime.Tests;

/// <summary>Fingerprint collisions must never leak another call's result.</summary>
public sealed class CollisionTests
{
    [Fact]
    public void Constant_fingerprint_never_returns_a_wrong_result()
    {
        MemoTable<string> table = TestTables.Serving<string>("Collide", l2: 16, l3: 16);
        table.FingerprintOverride = static _ => 0x4242_4242_4242_4242UL;
        var random = new Random(7);
        int hits = 0;
        for (int i = 0; i < 5000; i++)
        {
            int n = random.Next(0, 40);
            string text = n % 3 == 0 ? "s" + n : null!;
            string result = TestTables.Call(
                table,
                (ref KeyBuilder k) => { k.Add(n); k.Add(text); },
                () => Expected(n, text),
                out bool hit);
            Assert.Equal(Expected(n, text), result);
            hits += hit ? 1 : 0;
        }

        // Every key lands in the same L2 slot and the same 4-way L3 set: a few hits, never a wrong one.
        Assert.InRange(hits, 1, 4999);
        Assert.True(table.GetStatistics().Evictions > 0);
    }

    [Fact]
    public void Constant_fingerprint_during_learning_does_not_condemn_a_pure_method()
    {
        MemoTable<int> table = TestTables.Learning<int>("CollideLearn", confirmations: 3);
        table.FingerprintOverride = static _ => 1;
        // Four keys share the one 4-way L3 set that a constant fingerprint leaves, so they stay resident.
        for (int round = 0; round < 4; round++)
        {
            for (int n = 0; n < KcrOptions.L3Ways; n++)
            {
                Assert.Equal(n * n, TestTables.Call(table, (ref KeyBuilder k) => k.Add(n), () => n * n));
            }
        }

        Assert.Equal(LearningState.Serving, table.State);
    }

    private static string Expected(int n, string? text) => $"{n}/{text ?? "<null>"}";
}
