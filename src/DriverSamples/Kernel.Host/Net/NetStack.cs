using GuardRuntime;
namespace Kernel.Net;

/// <summary>Receives the packets the stack delivered (the socket layer, for a workload).</summary>
public interface IPacketSink
{
    /// <summary>Called once for every packet that parsed and verified, before its buffer is freed.</summary>
    void Deliver(scoped in ParsedPacket packet);
}

/// <summary>
/// The IPv4 stack: builds frames for transmission, hands them to a device, and consumes received frames
/// (<c>netif_receive_skb</c>): parse, verify IP and L4 checksums, deliver to the sink, free the buffer.
/// </summary>
public sealed class NetStack
{
    private readonly SkbPool pool;
    private readonly long[] drops = new long[Enum.GetValues<ParseError>().Length];

    /// <summary>Creates a stack that allocates from <paramref name="pool"/>.</summary>
    public NetStack(SkbPool pool) => this.pool = pool;

    /// <summary>Where delivered packets go, if anywhere.</summary>
    public IPacketSink? Sink { get; set; }

    /// <summary>
    /// Whether to verify L4 checksums in software even when the device said they were good. Off in a real kernel; on by
    /// default here so that a workload proves every delivered byte, offload or not.
    /// </summary>
    public bool VerifyOffloadedChecksums { get; set; } = true;

    /// <summary>Packets delivered to the sink.</summary>
    public long Delivered { get; private set; }

    /// <summary>Payload bytes delivered.</summary>
    public long DeliveredBytes { get; private set; }

    /// <summary>Packets the device marked checksum-good that failed software verification.</summary>
    public long OffloadMismatches { get; private set; }

    /// <summary>Packets handed to a driver.</summary>
    public long Transmitted { get; private set; }

    /// <summary>Transmit attempts refused with <see cref="NetdevTx.Busy"/>.</summary>
    public long TransmitBusy { get; private set; }

    /// <summary>Dropped received packets for a reason.</summary>
    public long Dropped(ParseError reason) => drops[(int)reason];

    /// <summary>All dropped received packets.</summary>
    public long TotalDropped => drops.Sum();

    /// <summary>Allocates a buffer and builds a frame into it; null when the pool is exhausted.</summary>
    public SkBuff? BuildFrame(in Flow flow, ReadOnlySpan<byte> payload, bool offloadChecksum)
    {
        var skb = pool.Alloc();
        if (skb is null) return null;
        PacketBuilder.Build(skb, flow, payload, offloadChecksum);
        return skb;
    }

    /// <summary>Hands <paramref name="skb"/> to <paramref name="device"/> (<c>dev_queue_xmit</c>); on busy the caller keeps it.</summary>
    public NetdevTx Transmit(INetDevice device, SkBuff skb)
    {
        NetdevTx result;
        using (GuardRuntime.ModuleFaults.Scope()) result = device.StartXmit(skb); // a call into the driver

        if (result == NetdevTx.Ok) Transmitted++;
        else TransmitBusy++;
        return result;
    }

    /// <summary>Consumes a received frame and frees its buffer.</summary>
    [ModuleExport]
    public void Receive(SkBuff skb)
    {
        try
        {
            bool trusted = skb.IpSummed == ChecksumStatus.Unnecessary && !VerifyOffloadedChecksums;
            var error = PacketParser.Parse(skb.Span, trusted, out var packet);
            if (error == ParseError.BadL4Checksum && skb.IpSummed == ChecksumStatus.Unnecessary) OffloadMismatches++;
            if (error != ParseError.None)
            {
                drops[(int)error]++;
                return;
            }
            Delivered++;
            DeliveredBytes += packet.Payload.Length;
            Sink?.Deliver(in packet);
        }
        finally
        {
            pool.Free(skb);
        }
    }

    /// <summary>Clears the counters.</summary>
    public void ResetCounters()
    {
        Array.Clear(drops);
        Delivered = DeliveredBytes = OffloadMismatches = Transmitted = TransmitBusy = 0;
    }
}
