namespace KcrRuntime.Tests;

/// <summary>The off switch and InvalidateAll, run in isolation.</summary>
[Collection(GlobalStateCollection.Name)]
public sealed class GlobalStateTests
{
    [Fact]
    public void Switched_off_the_wrapper_just_calls_the_original()
    {
        MemoTable<int> table = TestTables.Serving<int>("Off");
        int computed = 0;
        int Get() => TestTables.Call(table, (ref KeyBuilder k) => k.Add(1), () => ++computed, out _);
        Assert.Equal(1, Get());
        Assert.Equal(1, Get()); // cached while on

        Kcr.Enabled = false;
        try
        {
            var key = new KeyBuilder(stackalloc byte[KeyBuilder.InlineCapacity], table);
            key.Add("ignored");
            Assert.False(key.IsActive);
            Assert.Equal(0, key.Length);
            key.Dispose();

            Assert.Equal(2, Get());
            Assert.Equal(3, Get());
            Assert.Equal(2, table.GetStatistics().Calls); // calls while off are not counted
        }
        finally
        {
            Kcr.Enabled = true;
        }

        Assert.Equal(1, Get()); // entries survive a switch-off
    }

    [Fact]
    public void InvalidateAll_reaches_every_table()
    {
        MemoTable<int> first = TestTables.Serving<int>("AllA");
        MemoTable<long> second = TestTables.Serving<long>("AllB");
        long before1 = first.Epoch, before2 = second.Epoch;
        Kcr.InvalidateAll();
        Assert.Equal(before1 + 1, first.Epoch);
        Assert.Equal(before2 + 1, second.Epoch);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("1", true)]
    [InlineData("yes", true)]
    [InlineData("0", false)]
    [InlineData(" false ", false)]
    [InlineData("OFF", false)]
    [InlineData("no", false)]
    public void KCR_ENABLE_values_are_parsed(string? value, bool expected)
    {
        Assert.Equal(expected, KcrSwitch.Parse(value));
    }
}
