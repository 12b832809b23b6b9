using GuardRuntime;
namespace Kernel.Net;

/// <summary>Ethernet II layout.</summary>
public static class Ethernet
{
    /// <summary>Header length.</summary>
    public const int HeaderLength = 14;
    /// <summary>Smallest frame without FCS.</summary>
    public const int MinFrame = 60;
    /// <summary>Largest standard frame without FCS.</summary>
    public const int MaxFrame = 1514;
    /// <summary>EtherType of IPv4.</summary>
    public const ushort TypeIpv4 = 0x0800;
    /// <summary>EtherType of ARP.</summary>
    public const ushort TypeArp = 0x0806;
    /// <summary>Offset of the destination address.</summary>
    public const int DestinationOffset = 0;
    /// <summary>Offset of the source address.</summary>
    public const int SourceOffset = 6;
    /// <summary>Offset of the EtherType.</summary>
    public const int TypeOffset = 12;
}

/// <summary>IPv4 layout (no options are ever generated; options are skipped when parsing).</summary>
public static class Ipv4
{
    /// <summary>Header length without options.</summary>
    public const int HeaderLength = 20;
    /// <summary>Protocol number of TCP.</summary>
    public const byte ProtocolTcp = 6;
    /// <summary>Protocol number of UDP.</summary>
    public const byte ProtocolUdp = 17;
    /// <summary>Offset of the total length.</summary>
    public const int TotalLengthOffset = 2;
    /// <summary>Offset of the identification.</summary>
    public const int IdOffset = 4;
    /// <summary>Offset of flags and fragment offset.</summary>
    public const int FlagsOffset = 6;
    /// <summary>Offset of the time to live.</summary>
    public const int TtlOffset = 8;
    /// <summary>Offset of the protocol.</summary>
    public const int ProtocolOffset = 9;
    /// <summary>Offset of the header checksum.</summary>
    public const int ChecksumOffset = 10;
    /// <summary>Offset of the source address.</summary>
    public const int SourceOffset = 12;
    /// <summary>Offset of the destination address.</summary>
    public const int DestinationOffset = 16;
    /// <summary>The don't-fragment flag.</summary>
    public const ushort DontFragment = 0x4000;
}

/// <summary>UDP layout.</summary>
public static class Udp
{
    /// <summary>Header length.</summary>
    public const int HeaderLength = 8;
    /// <summary>Offset of the checksum inside the header.</summary>
    public const int ChecksumOffset = 6;
    /// <summary>Largest payload in a standard Ethernet frame.</summary>
    public const int MaxPayload = Ethernet.MaxFrame - Ethernet.HeaderLength - Ipv4.HeaderLength - HeaderLength;
}

/// <summary>TCP layout (no options).</summary>
public static class Tcp
{
    /// <summary>Header length without options.</summary>
    public const int HeaderLength = 20;
    /// <summary>Offset of the checksum inside the header.</summary>
    public const int ChecksumOffset = 16;
    /// <summary>Largest payload in a standard Ethernet frame.</summary>
    public const int MaxPayload = Ethernet.MaxFrame - Ethernet.HeaderLength - Ipv4.HeaderLength - HeaderLength;
    /// <summary>FIN flag.</summary>
    public const byte Fin = 0x01;
    /// <summary>SYN flag.</summary>
    public const byte Syn = 0x02;
    /// <summary>PSH flag.</summary>
    public const byte Psh = 0x08;
    /// <summary>ACK flag.</summary>
    public const byte Ack = 0x10;
}

/// <summary>A 48-bit Ethernet address packed in the low bits of a ulong, first octet most significant.</summary>
[ModuleExport]
public readonly record struct MacAddress(ulong Value)
{
    /// <summary>The broadcast address.</summary>
    public static MacAddress Broadcast => new(0xFFFF_FFFF_FFFF);

    /// <summary>Reads an address from six bytes.</summary>
    public static MacAddress Read(ReadOnlySpan<byte> b) =>
        new(((ulong)b[0] << 40) | ((ulong)b[1] << 32) | ((ulong)b[2] << 24) | ((ulong)b[3] << 16) | ((ulong)b[4] << 8) | b[5]);

    /// <summary>Writes the address as six bytes.</summary>
    public void Write(Span<byte> b)
    {
        for (int i = 0; i < 6; i++) b[i] = (byte)(Value >> (40 - 8 * i));
    }

    /// <summary>Whether the group bit is set.</summary>
    public bool IsMulticast => ((Value >> 40) & 1) != 0;

    /// <summary>The IPv4 multicast MAC (01:00:5e + low 23 bits) of a group address.</summary>
    public static MacAddress ForIpv4Group(uint group) => new(0x01005E000000UL | (group & 0x7FFFFF));

    /// <inheritdoc/>
    public override string ToString()
    {
        Span<byte> b = stackalloc byte[6];
        Write(b);
        return Convert.ToHexString(b).ToLowerInvariant() is var h
            ? $"{h[0..2]}:{h[2..4]}:{h[4..6]}:{h[6..8]}:{h[8..10]}:{h[10..12]}" : "";
    }
}
