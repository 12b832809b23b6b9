using System.Diagnostics;
using Kernel;
using Kernel.Hardware;
using Kernel.Net;

namespace Workload;

/// <summary>Knobs for a traffic run.</summary>
public sealed class WorkloadOptions
{
    /// <summary>Frames generated between two kernel ticks (interrupts and NAPI run at ticks).</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>One wire frame in this many gets a corrupted payload (0 = none).</summary>
    public int CorruptOneIn { get; init; }
    /// <summary>Whether the stack asks the device to finish transmit checksums.</summary>
    public bool OffloadTxChecksum { get; init; } = true;
}

/// <summary>
/// The deterministic traffic workload. For each frame a seeded generator chooses a direction and a shape: half go
/// out through the stack and the driver's transmit path and come back through MAC loopback; the rest arrive from
/// the wire addressed to us, to broadcast, to a joined or an unjoined multicast group, or to another station. Sizes
/// span 64..1514 bytes, UDP and TCP, with real checksums. Every delivered packet is verified by the stack and
/// hashed; the result carries expected versus observed counts and a digest that a woven run must reproduce.
/// </summary>
public static class TrafficWorkload
{
    /// <summary>Our IPv4 address.</summary>
    public const uint LocalIp = 0x0A00_0001;
    /// <summary>The link partner's IPv4 address.</summary>
    public const uint PeerIp = 0x0A00_0002;
    /// <summary>The multicast group the workload joins (239.1.1.1).</summary>
    public const uint JoinedGroup = 0xEF01_0101;

    private static readonly MacAddress PeerMac = new(0x0200_0000_0002);
    private static readonly MacAddress OtherMac = new(0x0200_0000_0099);

    /// <summary>Loads <paramref name="driverModule"/> if it is not loaded yet, then runs the workload on its first interface.</summary>
    public static WorkloadResult Run(KernelHost host, IKernelModule driverModule, int frames, int seed, WorkloadOptions? options = null)
    {
        if (!host.Modules.Loaded.Any(m => m.Instances.Contains(driverModule))) host.Modules.Load(driverModule);
        return Run(host, frames, seed, options);
    }

    /// <summary>Runs the workload on the first registered interface (however its driver was loaded).</summary>
    /// <exception cref="InvalidOperationException">No interface is registered or the link does not come up.</exception>
    public static WorkloadResult Run(KernelHost host, int frames, int seed, WorkloadOptions? options = null)
    {
        // The workload calls the driver directly, as the stack would: inside a containment scope, so that the driver's
        // callbacks behave as unwoven even when the workload runs on a pool thread.
        using var scope = GuardRuntime.ModuleFaults.Scope();
        options ??= new WorkloadOptions();
        var device = host.Api.NetDevices.FirstOrDefault() ?? throw new InvalidOperationException("No network interface is registered.");
        var joinedMac = MacAddress.ForIpv4Group(JoinedGroup);
        var unjoinedMac = UnjoinedGroupMac(joinedMac);
        PrepareDevice(host, device, joinedMac);

        var rng = new SplitMix64((ulong)seed * 0x9E37_79B9_7F4A_7C15 + 1);
        var sink = new DigestSink();
        host.Net.Sink = sink;
        host.Net.ResetCounters();
        var hw = host.Nic0Hardware;
        long filteredBefore = hw.FilteredFrames;
        var statsBefore = ReadStats(device);
        var payload = new byte[Udp.MaxPayload];
        long txFrames = 0, txBytes = 0, wireFrames = 0, expectedRx = 0, expectedRxBytes = 0, expectedFiltered = 0, expectedMulticast = 0, corrupted = 0;
        long pendingNs = 0;
        long simStart = host.NowNs;
        ushort ipId = 0;
        uint sequence = (uint)seed;

        var stopwatch = Stopwatch.StartNew();
        for (int i = 0; i < frames; i++)
        {
            int kind = rng.Below(100);
            byte protocol = rng.Below(2) == 0 ? Ipv4.ProtocolUdp : Ipv4.ProtocolTcp;
            int length = PayloadLength(rng, protocol);
            var span = payload.AsSpan(0, length);
            rng.Fill(span);
            ushort sport = (ushort)(1024 + rng.Below(60000)), dport = (ushort)(rng.Below(4) == 0 ? 53 : 5001 + rng.Below(8));
            sequence += (uint)length;

            if (kind < 50)
            {
                var flow = new Flow(device.Address, device.Address, LocalIp, LocalIp, protocol, sport, dport, ipId++, sequence);
                var skb = host.Net.BuildFrame(flow, span, options.OffloadTxChecksum) ?? throw new InvalidOperationException("skb pool exhausted");
                int frameLength = skb.Len;
                while (host.Net.Transmit(device, skb) == NetdevTx.Busy) host.Tick(2_000);
                txFrames++;
                txBytes += frameLength;
                expectedRx++;
                expectedRxBytes += frameLength;
                pendingNs += WireTimeNs(frameLength);
            }
            else
            {
                var destination = kind switch
                {
                    < 85 => device.Address,
                    < 90 => MacAddress.Broadcast,
                    < 95 => joinedMac,
                    < 98 => unjoinedMac,
                    _ => OtherMac,
                };
                uint destinationIp = kind is >= 90 and < 95 ? JoinedGroup : LocalIp;
                var flow = new Flow(PeerMac, destination, PeerIp, destinationIp, protocol, sport, dport, ipId++, sequence);
                var skb = host.Net.BuildFrame(flow, span, offloadChecksum: false) ?? throw new InvalidOperationException("skb pool exhausted");
                bool corrupt = options.CorruptOneIn > 0 && kind < 85 && rng.Below(options.CorruptOneIn) == 0;
                if (corrupt)
                {
                    skb.Buffer[skb.TransportHeader + (protocol == Ipv4.ProtocolTcp ? Tcp.HeaderLength : Udp.HeaderLength)] ^= 0x40;
                    corrupted++;
                }
                int frameLength = skb.Len;
                hw.InjectFromWire(skb.Span);
                host.Skbs.Free(skb);
                wireFrames++;
                if (kind < 95)
                {
                    expectedRx++;
                    expectedRxBytes += frameLength;
                    if (kind >= 85) expectedMulticast++;
                }
                else
                {
                    expectedFiltered++;
                }
                pendingNs += WireTimeNs(frameLength);
            }

            if ((i + 1) % options.BatchSize == 0)
            {
                host.Tick(pendingNs);
                pendingNs = 0;
            }
        }
        Drain(host, device, pendingNs, expectedRx, statsBefore);
        stopwatch.Stop();

        var statsAfter = ReadStats(device);
        var deltas = new SortedDictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var (name, value) in statsAfter) deltas[name] = value - statsBefore.GetValueOrDefault(name);
        host.Net.Sink = null;
        return new WorkloadResult
        {
            Frames = frames,
            TxFrames = txFrames,
            TxBytes = txBytes,
            WireFrames = wireFrames,
            ExpectedRxFrames = expectedRx,
            ExpectedRxBytes = expectedRxBytes,
            ExpectedFiltered = expectedFiltered,
            ExpectedMulticast = expectedMulticast,
            Corrupted = corrupted,
            Delivered = sink.Packets,
            DeliveredPayloadBytes = sink.PayloadBytes,
            StackDrops = host.Net.TotalDropped,
            OffloadMismatches = host.Net.OffloadMismatches,
            HardwareFiltered = hw.FilteredFrames - filteredBefore,
            DriverStats = deltas,
            Digest = sink.Finish(deltas),
            Elapsed = stopwatch.Elapsed,
            SimulatedNs = host.NowNs - simStart,
        };
    }

    /// <summary>Opens the interface, joins the group, turns on MAC loopback and waits for carrier.</summary>
    private static void PrepareDevice(KernelHost host, INetDevice device, MacAddress joinedMac)
    {
        if (!device.IsUp) device.Open();
        device.SetRxMode([joinedMac], promiscuous: false);
        device.SetLoopback(true);
        for (int i = 0; i < 200 && !device.LinkUp; i++) host.Tick(100_000);
        if (!device.LinkUp) throw new InvalidOperationException($"{device.Name}: link did not come up.");
    }

    /// <summary>Ticks until every expected frame was delivered or dropped and the device is idle.</summary>
    private static void Drain(KernelHost host, INetDevice device, long pendingNs, long expectedRx, Dictionary<string, ulong> before)
    {
        host.Tick(pendingNs);
        for (int i = 0; i < 10_000; i++)
        {
            bool idle = host.Nic0Hardware.PendingReceiveFrames == 0 && !host.Softirq.Pending
                        && (long)(device.Stats.RxPackets - before.GetValueOrDefault("rx_packets")) + (long)(device.Stats.RxErrors - before.GetValueOrDefault("rx_errors")) >= expectedRx;
            if (idle) break;
            host.Tick(20_000);
        }
        // Let the transmit cleanup and the watchdog catch up so statistics are final.
        host.Tick(200_000);
    }

    private static Dictionary<string, ulong> ReadStats(INetDevice device)
    {
        var names = device.Ethtool.GetStatsStrings();
        var values = new ulong[names.Count];
        device.Ethtool.GetStatsValues(values);
        var result = new Dictionary<string, ulong>(names.Count, StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++) result[names[i]] = values[i];
        return result;
    }

    /// <summary>Payload sizes: a third small (64..128-byte frames), a third medium, a third near full size.</summary>
    private static int PayloadLength(SplitMix64 rng, byte protocol)
    {
        int headers = Ethernet.HeaderLength + Ipv4.HeaderLength + (protocol == Ipv4.ProtocolTcp ? Tcp.HeaderLength : Udp.HeaderLength);
        int frame = rng.Below(3) switch
        {
            0 => 64 + rng.Below(65),
            1 => 129 + rng.Below(1000),
            _ => 1129 + rng.Below(Ethernet.MaxFrame - 1129 + 1),
        };
        return Math.Max(frame - headers, 1);
    }

    /// <summary>Time on a gigabit wire: preamble+SFD (8) + frame + FCS (4) + inter-frame gap (12), 8 ns per byte.</summary>
    private static long WireTimeNs(int frameLength) => (Math.Max(frameLength, Ethernet.MinFrame) + 24) * 8L;

    /// <summary>A multicast MAC whose filter hash differs from the joined group's, so the hardware must drop it.</summary>
    private static MacAddress UnjoinedGroupMac(MacAddress joined)
    {
        Span<byte> a = stackalloc byte[6], b = stackalloc byte[6];
        joined.Write(a);
        uint joinedHash = E1000Hardware.MulticastHash(a, 0);
        for (uint group = 0xEF09_0909; ; group += 0x101)
        {
            var candidate = MacAddress.ForIpv4Group(group);
            candidate.Write(b);
            if (E1000Hardware.MulticastHash(b, 0) != joinedHash) return candidate;
        }
    }
}
