namespace Workload;

/// <summary>What a traffic run did and what it should have done.</summary>
public sealed class WorkloadResult
{
    /// <summary>Frames generated.</summary>
    public int Frames { get; init; }
    /// <summary>Frames sent through the driver's transmit path.</summary>
    public long TxFrames { get; init; }
    /// <summary>Bytes sent through the transmit path.</summary>
    public long TxBytes { get; init; }
    /// <summary>Frames injected from the wire.</summary>
    public long WireFrames { get; init; }
    /// <summary>Frames the receive filter should accept (looped back plus accepted wire frames).</summary>
    public long ExpectedRxFrames { get; init; }
    /// <summary>Bytes of those frames.</summary>
    public long ExpectedRxBytes { get; init; }
    /// <summary>Frames addressed elsewhere that the hardware filter should drop.</summary>
    public long ExpectedFiltered { get; init; }
    /// <summary>Multicast/broadcast frames expected.</summary>
    public long ExpectedMulticast { get; init; }
    /// <summary>Frames deliberately corrupted (bad L4 checksum).</summary>
    public long Corrupted { get; init; }
    /// <summary>Packets the stack delivered.</summary>
    public long Delivered { get; init; }
    /// <summary>Payload bytes the stack delivered.</summary>
    public long DeliveredPayloadBytes { get; init; }
    /// <summary>Received frames the stack dropped (bad checksum and the like).</summary>
    public long StackDrops { get; init; }
    /// <summary>Frames the device said were checksum-good that were not.</summary>
    public long OffloadMismatches { get; init; }
    /// <summary>Frames the hardware filter dropped during the run.</summary>
    public long HardwareFiltered { get; init; }
    /// <summary>Driver statistics deltas over the run (ethtool names).</summary>
    public IReadOnlyDictionary<string, ulong> DriverStats { get; init; } = new Dictionary<string, ulong>();
    /// <summary>XxHash64 over every delivered packet, in order, and the driver statistics.</summary>
    public ulong Digest { get; init; }
    /// <summary>Wall-clock time of the traffic loop.</summary>
    public TimeSpan Elapsed { get; init; }
    /// <summary>Simulated time the run took.</summary>
    public long SimulatedNs { get; init; }

    /// <summary>Frames handled per wall-clock second (transmitted plus received).</summary>
    public double FramesPerSecond => (TxFrames + Delivered) / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>Bits moved (transmit plus receive) per wall-clock second, in Gbit/s.</summary>
    public double Gbps => (TxBytes + ExpectedRxBytes) * 8.0 / Math.Max(Elapsed.TotalSeconds, 1e-9) / 1e9;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Frames} frames: tx {TxFrames}, wire {WireFrames}, delivered {Delivered}/{ExpectedRxFrames}, filtered {HardwareFiltered}, " +
        $"digest {Digest:x16}, {FramesPerSecond:F0} frames/s, {Gbps:F2} Gbit/s";
}
