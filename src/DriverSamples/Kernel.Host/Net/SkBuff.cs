using GuardRuntime;
namespace Kernel.Net;

/// <summary>How much of a packet's checksum work is done, as in Linux <c>skb->ip_summed</c>.</summary>
public enum ChecksumStatus
{
    /// <summary>Nothing is known; the stack must verify (receive) or the checksum is complete (transmit).</summary>
    None = 0,
    /// <summary>Receive: the device verified the L4 checksum.</summary>
    Unnecessary = 1,
    /// <summary>Receive: the device supplied the raw ones'-complement sum in <see cref="SkBuff.Csum"/>.</summary>
    Complete = 2,
    /// <summary>Transmit: the L4 checksum field holds the pseudo-header sum; the device (or driver) must finish it.</summary>
    Partial = 3,
}

/// <summary>
/// A socket buffer: one packet in a pooled byte array with Linux-style head/data/tail/end offsets. Headers are
/// pushed in front of <see cref="Data"/>, payload is put after <see cref="Tail"/>.
/// </summary>
[ModuleExport]
public sealed class SkBuff
{
    /// <summary>The backing storage, owned by the pool.</summary>
    public readonly byte[] Buffer;

    /// <summary>The pool slot this buffer came from.</summary>
    public readonly int Slot;

    /// <summary>Start of the headroom (always 0).</summary>
    public int Head;

    /// <summary>Offset of the first packet byte.</summary>
    public int Data;

    /// <summary>Offset one past the last packet byte.</summary>
    public int Tail;

    /// <summary>Capacity of <see cref="Buffer"/>.</summary>
    public int End;

    /// <summary>The EtherType of the packet (host order), set by the stack or the driver.</summary>
    public ushort Protocol;

    /// <summary>Offset of the network header relative to <see cref="Data"/>'s origin (absolute buffer offset).</summary>
    public int NetworkHeader;

    /// <summary>Absolute buffer offset of the transport header.</summary>
    public int TransportHeader;

    /// <summary>Checksum state.</summary>
    public ChecksumStatus IpSummed;

    /// <summary>For <see cref="ChecksumStatus.Partial"/>: where checksumming starts, relative to <see cref="Data"/>.</summary>
    public int CsumStart;

    /// <summary>For <see cref="ChecksumStatus.Partial"/>: where the result goes, relative to <see cref="CsumStart"/>.</summary>
    public int CsumOffset;

    /// <summary>For <see cref="ChecksumStatus.Complete"/>: the device's raw sum.</summary>
    public uint Csum;

    /// <summary>Hardware receive timestamp in nanoseconds, 0 if none.</summary>
    public long HwTimestamp;

    /// <summary>Whether the buffer is allocated (guards double free).</summary>
    public bool InUse;

    internal SkBuff(int slot, int size)
    {
        Slot = slot;
        Buffer = new byte[size];
        End = size;
    }

    /// <summary>The packet length.</summary>
    public int Len => Tail - Data;

    /// <summary>The packet bytes.</summary>
    public Span<byte> Span => Buffer.AsSpan(Data, Tail - Data);

    /// <summary>Resets offsets and leaves <paramref name="headroom"/> bytes free in front.</summary>
    public void Reset(int headroom)
    {
        Head = 0;
        Data = headroom;
        Tail = headroom;
        Protocol = 0;
        NetworkHeader = TransportHeader = 0;
        IpSummed = ChecksumStatus.None;
        CsumStart = CsumOffset = 0;
        Csum = 0;
        HwTimestamp = 0;
    }

    /// <summary>Extends the packet at the tail by <paramref name="length"/> bytes and returns them (<c>skb_put</c>).</summary>
    /// <exception cref="InvalidOperationException">There is not enough tailroom.</exception>
    public Span<byte> Put(int length)
    {
        if (Tail + length > End) throw new InvalidOperationException($"skb_put overflow: tail {Tail} + {length} > end {End}.");
        var span = Buffer.AsSpan(Tail, length);
        Tail += length;
        return span;
    }

    /// <summary>Extends the packet at the front by <paramref name="length"/> bytes and returns them (<c>skb_push</c>).</summary>
    /// <exception cref="InvalidOperationException">There is not enough headroom.</exception>
    public Span<byte> Push(int length)
    {
        if (Data - length < Head) throw new InvalidOperationException($"skb_push underflow: data {Data} - {length} < head {Head}.");
        Data -= length;
        return Buffer.AsSpan(Data, length);
    }

    /// <summary>Removes <paramref name="length"/> bytes from the front (<c>skb_pull</c>).</summary>
    public void Pull(int length)
    {
        if (length > Len) throw new InvalidOperationException($"skb_pull past end: {length} > {Len}.");
        Data += length;
    }

    /// <summary>Cuts the packet to <paramref name="length"/> bytes (<c>skb_trim</c>).</summary>
    public void Trim(int length)
    {
        if (length < Len) Tail = Data + length;
    }
}
