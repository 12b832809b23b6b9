using System.Runtime.CompilerServices;

namespace KcrRuntime.Tests;

/// <summary>A hit must not allocate (value results); measured per thread.</summary>
public sealed class AllocationTests
{
    private static readonly string s_text = "allocation-free";
    private static readonly byte[] s_small = new byte[16];
    private static readonly byte[] s_packet = new byte[1500];

    [Fact]
    public void A_hit_with_a_stack_sized_key_does_not_allocate()
    {
        MemoTable<int> table = TestTables.Serving<int>("NoAllocSmall");
        AssertNoAllocationOnHits(() => Memoized(table, s_small));
    }

    [Fact]
    public void A_hit_with_a_pooled_spill_buffer_does_not_allocate()
    {
        MemoTable<int> table = TestTables.Serving<int>("NoAllocPacket");
        AssertNoAllocationOnHits(() => Memoized(table, s_packet));
    }

    private static void AssertNoAllocationOnHits(Func<bool> hitOnce)
    {
        for (int i = 0; i < 200; i++)
        {
            hitOnce(); // warm up: JIT, thread slot, pools
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        bool allHits = true;
        for (int i = 0; i < 10_000; i++)
        {
            allHits &= hitOnce();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allHits);
        Assert.Equal(0, allocated);
    }

    // Written out (not through TestTables.Call) so no delegate or closure is created per call.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool Memoized(MemoTable<int> table, byte[] data)
    {
        var key = new KeyBuilder(stackalloc byte[KeyBuilder.InlineCapacity], table);
        key.Add(data);
        key.Add(s_text);
        key.Add(12345L);
        if (table.TryGet(ref key, out int result))
        {
            key.Dispose();
            return result == data.Length;
        }

        result = data.Length;
        table.Offer(ref key, result);
        key.Dispose();
        return false;
    }
}
