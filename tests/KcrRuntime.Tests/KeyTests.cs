namespace KcrRuntime.Tests;

/// <summary>
/// Keys are equal only when their bytes are: the cases where value equality (ValueTuple.Equals, double.Equals,
/// decimal.Equals) calls two different inputs equal, and the original tells them apart, must miss.
/// </summary>
public sealed class KeyTests
{
    [Fact]
    public void Negative_zero_is_not_zero()
    {
        var memo = TestMemo<MemoKey<double>, double>.Create("NegZero");
        Assert.Equal(double.PositiveInfinity, memo.Call(new(0.0), () => 1 / 0.0));
        Assert.Equal(double.PositiveInfinity, memo.Call(new(0.0), () => 1 / 0.0, out bool hit));
        Assert.True(hit);
        Assert.Equal(double.NegativeInfinity, memo.Call(new(-0.0), () => 1 / -0.0, out hit));
        Assert.False(hit);
    }

    [Fact]
    public void NaNs_with_different_payloads_are_different_keys()
    {
        double a = BitConverter.Int64BitsToDouble(0x7FF8000000000001), b = BitConverter.Int64BitsToDouble(0x7FF8000000000002);
        var memo = TestMemo<MemoKey<double>, long>.Create("NaN");
        Assert.Equal(0x7FF8000000000001, memo.Call(new(a), () => BitConverter.DoubleToInt64Bits(a)));
        Assert.Equal(0x7FF8000000000002, memo.Call(new(b), () => BitConverter.DoubleToInt64Bits(b), out bool hit));
        Assert.False(hit);
        Assert.Equal(0x7FF8000000000001, memo.Call(new(a), () => -1, out hit));
        Assert.True(hit);
    }

    [Fact]
    public void Decimals_of_different_scale_are_different_keys()
    {
        var memo = TestMemo<MemoKey<decimal, int>, string>.Create("Scale");
        Assert.Equal("1.0", memo.Call(new(1.0m, 7), () => 1.0m.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("1.00", memo.Call(new(1.00m, 7), () => 1.00m.ToString(System.Globalization.CultureInfo.InvariantCulture), out bool hit));
        Assert.False(hit);
    }

    [Fact]
    public void Every_component_of_odd_sized_and_nested_keys_takes_part()
    {
        // 3, 13 and 21 bytes: the overlapping-word paths of the hash and compare, and the nested form past four scalars.
        var three = TestMemo<MemoKey<byte, short>, int>.Create("Three");
        var thirteen = TestMemo<MemoKey<int, long, byte>, int>.Create("Thirteen");
        var nested = TestMemo<MemoKey<int, int, int, MemoKey<long, byte>>, int>.Create("Nested");
        int n = 0;
        Assert.Equal(1, three.Call(new(1, 2), () => ++n));
        Assert.Equal(2, three.Call(new(1, 3), () => ++n));
        Assert.Equal(3, three.Call(new(2, 2), () => ++n));
        Assert.Equal(1, three.Call(new(1, 2), () => ++n));
        Assert.Equal(4, thirteen.Call(new(1, 2, 3), () => ++n));
        Assert.Equal(5, thirteen.Call(new(1, 2, 4), () => ++n));
        Assert.Equal(6, thirteen.Call(new(1, 1L << 40 | 2, 3), () => ++n));
        Assert.Equal(4, thirteen.Call(new(1, 2, 3), () => ++n));
        Assert.Equal(7, nested.Call(new(1, 2, 3, new(4, 5)), () => ++n));
        Assert.Equal(8, nested.Call(new(1, 2, 3, new(4, 6)), () => ++n));
        Assert.Equal(9, nested.Call(new(1, 2, 3, new(5, 5)), () => ++n));
        Assert.Equal(7, nested.Call(new(1, 2, 3, new(4, 5)), () => ++n));
    }

    [Fact]
    public void Byte_equality_matches_the_bytes_for_every_size()
    {
        var random = new Random(5);
        for (int trial = 0; trial < 2000; trial++)
        {
            var a = new byte[24];
            random.NextBytes(a);
            var b = (byte[])a.Clone();
            if (trial % 2 == 1) b[random.Next(24)] ^= (byte)(1 << random.Next(8));
            bool same = a.AsSpan().SequenceEqual(b);
            var x = System.Runtime.InteropServices.MemoryMarshal.Read<Bytes24>(a);
            var y = System.Runtime.InteropServices.MemoryMarshal.Read<Bytes24>(b);
            Assert.Equal(same, KeyBits.Equal(in x, in y));
            Assert.Equal(same, KeyBits.Equal(in x.Low, in y.Low) && KeyBits.Equal(in x.Mid, in y.Mid) && KeyBits.Equal(in x.Tail, in y.Tail));
            if (same) Assert.Equal(KeyBits.Hash(in x), KeyBits.Hash(in y));
        }
    }

    [Fact]
    public void The_hash_seed_is_random_per_process()
    {
        Assert.NotEqual(0UL, KeyBits.Seed);
        var seeds = Enumerable.Range(0, 8).Select(_ => KeyBits.NewSeed()).ToHashSet();
        Assert.Equal(8, seeds.Count);
        Assert.DoesNotContain(KeyBits.Seed, seeds);
    }

    [Fact]
    public void A_slot_of_another_table_never_hits()
    {
        var a = TestMemo<MemoKey<int>, int>.Create("SlotA");
        var b = TestMemo<MemoKey<int>, int>.Create("SlotB");
        a.Call(new(1), () => 10);
        Assert.Equal(10, a.Call(new(1), () => -1));
        var key = new MemoKey<int>(1);
        Assert.False(b.Table.TryGet(a.Slot, in key, out _));
    }

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Pack = 1)]
    private struct Bytes24
    {
        public MemoKey<byte, short> Low;      // 3 bytes
        public MemoKey<int, long, byte> Mid;  // 13 bytes
        public MemoKey<long> Tail;            // 8 bytes
    }
}
