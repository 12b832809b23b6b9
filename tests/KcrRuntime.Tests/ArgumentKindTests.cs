namespace KcrRuntime.Tests;

/// <summary>Hit and miss paths for every argument kind the weaver can pass.</summary>
public sealed class ArgumentKindTests
{
    [Theory]
    [MemberData(nameof(ArgumentKindCases.Names), MemberType = typeof(ArgumentKindCases))]
    public void Equal_arguments_hit_and_different_arguments_miss(string kind)
    {
        ArgumentKindCases.Case c = ArgumentKindCases.Get(kind);
        MemoTable<string> table = TestTables.Serving<string>("Kinds", maxKeyBytes: 8192);
        int computed = 0;

        string first = TestTables.Call(table, c.First, () => $"first#{++computed}", out bool hit1);
        string again = TestTables.Call(table, c.EqualFresh, () => $"first#{++computed}", out bool hit2);
        string other = TestTables.Call(table, c.Different, () => $"other#{++computed}", out bool hit3);
        string otherAgain = TestTables.Call(table, c.Different, () => $"other#{++computed}", out bool hit4);

        Assert.False(hit1);
        Assert.True(hit2, $"{kind}: equal arguments should hit");
        Assert.Equal(first, again);
        Assert.False(hit3, $"{kind}: different arguments must miss");
        Assert.Equal("other#2", other);
        Assert.True(hit4);
        Assert.Equal(other, otherAgain);
        Assert.Equal(2, computed);
    }

    [Theory]
    [MemberData(nameof(ArgumentKindCases.Names), MemberType = typeof(ArgumentKindCases))]
    public void Different_arguments_encode_differently(string kind)
    {
        ArgumentKindCases.Case c = ArgumentKindCases.Get(kind);
        Assert.Equal(TestTables.Encode(c.First), TestTables.Encode(c.EqualFresh));
        Assert.NotEqual(TestTables.Encode(c.First), TestTables.Encode(c.Different));
    }

    [Fact]
    public void Keys_longer_than_MaxKeyBytes_are_uncacheable_and_always_computed()
    {
        MemoTable<int> table = TestTables.Serving<int>("Uncacheable", maxKeyBytes: 64);
        byte[] big = new byte[1000];
        int computed = 0;
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(7, TestTables.Call(table, (ref KeyBuilder k) => k.Add(big), () => { computed++; return 7; }, out bool hit));
            Assert.False(hit);
        }

        Assert.Equal(3, computed);
        MemoStatistics stats = table.GetStatistics();
        Assert.Equal(3, stats.Uncacheable);
        Assert.Equal(3, stats.Calls);
        Assert.Equal(0, stats.Inserts);
    }

    [Fact]
    public void Huge_arrays_are_refused_before_being_copied()
    {
        MemoTable<int> table = TestTables.Serving<int>("Huge", maxKeyBytes: 4096);
        var key = new KeyBuilder(stackalloc byte[KeyBuilder.InlineCapacity], table);
        key.Add(new long[1 << 20]);
        Assert.True(key.IsUncacheable);
        Assert.Equal(0, key.Length);
        key.Add(5); // further arguments are ignored, not appended to a truncated key
        Assert.Equal(0, key.Length);
        key.Dispose();
    }

    [Fact]
    public unsafe void Pointer_constructor_matches_span_constructor()
    {
        MemoTable<int> table = TestTables.Serving<int>("Pointer");
        byte* buffer = stackalloc byte[KeyBuilder.InlineCapacity];
        var key = new KeyBuilder(buffer, KeyBuilder.InlineCapacity, table);
        key.Add("abc");
        key.Add(new byte[400]); // spills past the native buffer
        byte[] viaPointer = key.Written.ToArray();
        key.Dispose();

        Assert.Equal(TestTables.Encode((ref KeyBuilder k) => { k.Add("abc"); k.Add(new byte[400]); }), viaPointer);
    }
}
