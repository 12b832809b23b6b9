using System.Buffers.Binary;

namespace Kernel.Net;

/// <summary>
/// The Internet checksum of RFC 1071: the ones'-complement of the ones'-complement sum of 16-bit big-endian words.
/// Partial sums are kept unfolded in 32 or 64 bits and folded at the end, which RFC 1071 section 2 allows.
/// </summary>
public static class InternetChecksum
{
    /// <summary>Adds <paramref name="data"/> to a running sum; only the last chunk of a chain may have odd length.</summary>
    public static ulong Accumulate(ulong sum, ReadOnlySpan<byte> data)
    {
        int i = 0;
        // 32-bit big-endian words summed into 64 bits: no carry can be lost for any realistic packet size.
        for (; i + 4 <= data.Length; i += 4) sum += BinaryPrimitives.ReadUInt32BigEndian(data.Slice(i));
        if (i + 2 <= data.Length)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data.Slice(i));
            i += 2;
        }
        if (i < data.Length) sum += (ulong)data[i] << 8;
        return sum;
    }

    /// <summary>Folds a wide sum to 16 bits without complementing it.</summary>
    public static ushort Fold(ulong sum)
    {
        while ((sum >> 16) != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }

    /// <summary>The checksum of <paramref name="data"/> (folded and complemented).</summary>
    public static ushort Compute(ReadOnlySpan<byte> data) => (ushort)~Fold(Accumulate(0, data));

    /// <summary>The unfolded sum of the IPv4 pseudo-header used by UDP and TCP.</summary>
    public static ulong PseudoHeaderSum(uint sourceAddress, uint destinationAddress, byte protocol, int l4Length)
        => (ulong)(sourceAddress >> 16) + (sourceAddress & 0xFFFF) + (destinationAddress >> 16) + (destinationAddress & 0xFFFF)
           + protocol + (uint)l4Length;

    /// <summary>The full UDP/TCP checksum over the pseudo-header and <paramref name="segment"/>; UDP maps 0 to 0xFFFF.</summary>
    public static ushort TransportChecksum(uint sourceAddress, uint destinationAddress, byte protocol, ReadOnlySpan<byte> segment)
    {
        ushort value = (ushort)~Fold(Accumulate(PseudoHeaderSum(sourceAddress, destinationAddress, protocol, segment.Length), segment));
        return protocol == Ipv4.ProtocolUdp && value == 0 ? (ushort)0xFFFF : value;
    }

    /// <summary>Whether a segment whose checksum field is filled in verifies (its sum folds to 0xFFFF).</summary>
    public static bool VerifyTransport(uint sourceAddress, uint destinationAddress, byte protocol, ReadOnlySpan<byte> segment)
        => Fold(Accumulate(PseudoHeaderSum(sourceAddress, destinationAddress, protocol, segment.Length), segment)) == 0xFFFF;
}
