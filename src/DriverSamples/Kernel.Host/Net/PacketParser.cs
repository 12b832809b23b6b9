using System.Buffers.Binary;

namespace Kernel.Net;

/// <summary>Why the stack dropped a received frame.</summary>
public enum ParseError
{
    /// <summary>The frame parsed and verified.</summary>
    None = 0,
    /// <summary>Shorter than the headers it claims.</summary>
    Truncated,
    /// <summary>Not IPv4.</summary>
    NotIpv4,
    /// <summary>Bad version, header length or total length.</summary>
    BadIpHeader,
    /// <summary>The IPv4 header checksum does not verify.</summary>
    BadIpChecksum,
    /// <summary>Neither UDP nor TCP.</summary>
    UnknownProtocol,
    /// <summary>The UDP/TCP checksum does not verify.</summary>
    BadL4Checksum,
}

/// <summary>A parsed UDP or TCP packet; spans point into the socket buffer.</summary>
public readonly ref struct ParsedPacket
{
    /// <summary>The whole frame.</summary>
    public ReadOnlySpan<byte> Frame { get; init; }
    /// <summary>The L4 payload.</summary>
    public ReadOnlySpan<byte> Payload { get; init; }
    /// <summary>IPv4 source.</summary>
    public uint SourceIp { get; init; }
    /// <summary>IPv4 destination.</summary>
    public uint DestinationIp { get; init; }
    /// <summary>IP protocol.</summary>
    public byte Protocol { get; init; }
    /// <summary>L4 source port.</summary>
    public ushort SourcePort { get; init; }
    /// <summary>L4 destination port.</summary>
    public ushort DestinationPort { get; init; }
    /// <summary>IPv4 identification.</summary>
    public ushort IpId { get; init; }
}

/// <summary>Parses and verifies received frames (the <c>ip_rcv</c> / <c>udp_rcv</c> / <c>tcp_v4_rcv</c> checks).</summary>
public static class PacketParser
{
    /// <summary>
    /// Parses <paramref name="frame"/>. The L4 checksum is verified in software unless
    /// <paramref name="l4ChecksumVerified"/> says the device already did it.
    /// </summary>
    public static ParseError Parse(ReadOnlySpan<byte> frame, bool l4ChecksumVerified, out ParsedPacket packet)
    {
        packet = default;
        if (frame.Length < Ethernet.HeaderLength + Ipv4.HeaderLength) return ParseError.Truncated;
        if (BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(Ethernet.TypeOffset)) != Ethernet.TypeIpv4) return ParseError.NotIpv4;
        var ip = frame.Slice(Ethernet.HeaderLength);
        int ihl = (ip[0] & 0x0F) * 4;
        if ((ip[0] >> 4) != 4 || ihl < Ipv4.HeaderLength || ip.Length < ihl) return ParseError.BadIpHeader;
        int total = BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(Ipv4.TotalLengthOffset));
        if (total < ihl || total > ip.Length) return ParseError.BadIpHeader;
        if (InternetChecksum.Fold(InternetChecksum.Accumulate(0, ip.Slice(0, ihl))) != 0xFFFF) return ParseError.BadIpChecksum;

        byte protocol = ip[Ipv4.ProtocolOffset];
        uint src = BinaryPrimitives.ReadUInt32BigEndian(ip.Slice(Ipv4.SourceOffset));
        uint dst = BinaryPrimitives.ReadUInt32BigEndian(ip.Slice(Ipv4.DestinationOffset));
        var segment = ip.Slice(ihl, total - ihl);
        int l4Header;
        if (protocol == Ipv4.ProtocolUdp)
        {
            if (segment.Length < Udp.HeaderLength) return ParseError.Truncated;
            int udpLength = BinaryPrimitives.ReadUInt16BigEndian(segment.Slice(4));
            if (udpLength != segment.Length) return ParseError.BadIpHeader;
            l4Header = Udp.HeaderLength;
            bool noChecksum = BinaryPrimitives.ReadUInt16BigEndian(segment.Slice(Udp.ChecksumOffset)) == 0;
            if (!l4ChecksumVerified && !noChecksum && !InternetChecksum.VerifyTransport(src, dst, protocol, segment))
                return ParseError.BadL4Checksum;
        }
        else if (protocol == Ipv4.ProtocolTcp)
        {
            if (segment.Length < Tcp.HeaderLength) return ParseError.Truncated;
            l4Header = (segment[12] >> 4) * 4;
            if (l4Header < Tcp.HeaderLength || l4Header > segment.Length) return ParseError.BadIpHeader;
            if (!l4ChecksumVerified && !InternetChecksum.VerifyTransport(src, dst, protocol, segment)) return ParseError.BadL4Checksum;
        }
        else
        {
            return ParseError.UnknownProtocol;
        }

        packet = new ParsedPacket
        {
            Frame = frame,
            Payload = segment.Slice(l4Header),
            SourceIp = src,
            DestinationIp = dst,
            Protocol = protocol,
            SourcePort = BinaryPrimitives.ReadUInt16BigEndian(segment),
            DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(segment.Slice(2)),
            IpId = BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(Ipv4.IdOffset)),
        };
        return ParseError.None;
    }
}
