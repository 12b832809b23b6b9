using System.Buffers.Binary;

namespace Kernel.Net;

/// <summary>
/// Builds Ethernet/IPv4/UDP or TCP frames into socket buffers, the way the stack's output path does: the payload is
/// put first, then each header is pushed in front of it.
/// </summary>
public static class PacketBuilder
{
    /// <summary>
    /// Builds a frame carrying <paramref name="payload"/>. With <paramref name="offloadChecksum"/> the L4 checksum field
    /// receives only the folded pseudo-header sum and the buffer is marked <see cref="ChecksumStatus.Partial"/> for the
    /// device to finish; otherwise the full checksum is computed here.
    /// </summary>
    public static void Build(SkBuff skb, in Flow flow, ReadOnlySpan<byte> payload, bool offloadChecksum)
    {
        payload.CopyTo(skb.Put(payload.Length));
        int l4Header = flow.Protocol == Ipv4.ProtocolTcp ? Tcp.HeaderLength : Udp.HeaderLength;
        var l4 = skb.Push(l4Header);
        int l4Length = l4Header + payload.Length;
        int checksumOffset;
        if (flow.Protocol == Ipv4.ProtocolTcp)
        {
            WriteTcpHeader(l4, flow);
            checksumOffset = Tcp.ChecksumOffset;
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(l4, flow.SourcePort);
            BinaryPrimitives.WriteUInt16BigEndian(l4.Slice(2), flow.DestinationPort);
            BinaryPrimitives.WriteUInt16BigEndian(l4.Slice(4), (ushort)l4Length);
            BinaryPrimitives.WriteUInt16BigEndian(l4.Slice(6), 0);
            checksumOffset = Udp.ChecksumOffset;
        }
        skb.TransportHeader = skb.Data;

        ulong pseudo = InternetChecksum.PseudoHeaderSum(flow.SourceIp, flow.DestinationIp, flow.Protocol, l4Length);
        var segment = skb.Buffer.AsSpan(skb.Data, l4Length);
        if (offloadChecksum)
        {
            BinaryPrimitives.WriteUInt16BigEndian(segment.Slice(checksumOffset), InternetChecksum.Fold(pseudo));
            skb.IpSummed = ChecksumStatus.Partial;
            skb.CsumOffset = checksumOffset;
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(segment.Slice(checksumOffset),
                InternetChecksum.TransportChecksum(flow.SourceIp, flow.DestinationIp, flow.Protocol, segment));
            skb.IpSummed = ChecksumStatus.None;
        }

        var ip = skb.Push(Ipv4.HeaderLength);
        WriteIpv4Header(ip, flow, Ipv4.HeaderLength + l4Length);
        skb.NetworkHeader = skb.Data;

        var eth = skb.Push(Ethernet.HeaderLength);
        flow.DestinationMac.Write(eth);
        flow.SourceMac.Write(eth.Slice(Ethernet.SourceOffset));
        BinaryPrimitives.WriteUInt16BigEndian(eth.Slice(Ethernet.TypeOffset), Ethernet.TypeIpv4);
        skb.Protocol = Ethernet.TypeIpv4;
        skb.CsumStart = skb.TransportHeader - skb.Data;

        // Pad runts to the Ethernet minimum, as the driver would (padding is outside the IP total length).
        if (skb.Len < Ethernet.MinFrame) skb.Put(Ethernet.MinFrame - skb.Len).Clear();
    }

    /// <summary>Writes a 20-byte IPv4 header with a correct header checksum.</summary>
    public static void WriteIpv4Header(Span<byte> ip, in Flow flow, int totalLength)
    {
        ip[0] = 0x45;
        ip[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(Ipv4.TotalLengthOffset), (ushort)totalLength);
        BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(Ipv4.IdOffset), flow.IpId);
        BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(Ipv4.FlagsOffset), Ipv4.DontFragment);
        ip[Ipv4.TtlOffset] = 64;
        ip[Ipv4.ProtocolOffset] = flow.Protocol;
        BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(Ipv4.ChecksumOffset), 0);
        BinaryPrimitives.WriteUInt32BigEndian(ip.Slice(Ipv4.SourceOffset), flow.SourceIp);
        BinaryPrimitives.WriteUInt32BigEndian(ip.Slice(Ipv4.DestinationOffset), flow.DestinationIp);
        BinaryPrimitives.WriteUInt16BigEndian(ip.Slice(Ipv4.ChecksumOffset), InternetChecksum.Compute(ip.Slice(0, Ipv4.HeaderLength)));
    }

    private static void WriteTcpHeader(Span<byte> tcp, in Flow flow)
    {
        BinaryPrimitives.WriteUInt16BigEndian(tcp, flow.SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.Slice(2), flow.DestinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.Slice(4), flow.Sequence);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.Slice(8), flow.Sequence ^ 0x5A5A_0000u);
        tcp[12] = (Tcp.HeaderLength / 4) << 4;
        tcp[13] = Tcp.Ack | Tcp.Psh;
        BinaryPrimitives.WriteUInt16BigEndian(tcp.Slice(14), 64240);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.Slice(16), 0);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.Slice(18), 0);
    }
}
