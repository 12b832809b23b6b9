using GuardRuntime;
namespace Kernel.Net;

/// <summary>
/// A fixed pool of socket buffers (the slab cache behind <c>alloc_skb</c>). Allocation is a pop from a free stack;
/// exhaustion returns null, as a GFP_ATOMIC allocation would fail.
/// </summary>
[ModuleExport]
public sealed class SkbPool
{
    /// <summary>Headroom reserved in front of every new buffer (NET_SKB_PAD + NET_IP_ALIGN).</summary>
    public const int DefaultHeadroom = 66;

    private readonly SkBuff[] all;
    private readonly int[] free;
    private int freeCount;

    /// <summary>Creates <paramref name="count"/> buffers of <paramref name="bufferSize"/> bytes.</summary>
    public SkbPool(int count = 1024, int bufferSize = 2048 + DefaultHeadroom)
    {
        all = new SkBuff[count];
        free = new int[count];
        for (int i = 0; i < count; i++)
        {
            all[i] = new SkBuff(i, bufferSize);
            free[i] = count - 1 - i;
        }
        freeCount = count;
        BufferSize = bufferSize;
    }

    /// <summary>The size of each buffer.</summary>
    public int BufferSize { get; }

    /// <summary>How many buffers are free.</summary>
    public int FreeCount => freeCount;

    /// <summary>How many buffers exist.</summary>
    public int Capacity => all.Length;

    /// <summary>Successful allocations.</summary>
    public long Allocations { get; private set; }

    /// <summary>Allocations that failed because the pool was empty.</summary>
    public long Failures { get; private set; }

    /// <summary>Allocates a buffer with the default headroom, or returns null when the pool is exhausted.</summary>
    public SkBuff? Alloc(int headroom = DefaultHeadroom)
    {
        if (freeCount == 0)
        {
            Failures++;
            return null;
        }
        var skb = all[free[--freeCount]];
        skb.InUse = true;
        skb.Reset(headroom);
        Allocations++;
        return skb;
    }

    /// <summary>Returns a buffer to the pool (<c>kfree_skb</c>).</summary>
    /// <exception cref="InvalidOperationException">The buffer was already free or belongs to another pool.</exception>
    public void Free(SkBuff skb)
    {
        if (skb.Slot >= all.Length || !ReferenceEquals(all[skb.Slot], skb)) throw new InvalidOperationException("skb from another pool.");
        if (!skb.InUse) throw new InvalidOperationException($"Double free of skb slot {skb.Slot}.");
        skb.InUse = false;
        free[freeCount++] = skb.Slot;
    }
}
