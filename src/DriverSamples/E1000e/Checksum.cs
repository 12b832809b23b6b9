using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace E1000e;

/// <summary>
/// The software checksum fallback (csum_partial / csum_fold / skb_checksum_help), used when transmit offload is
/// off or a frame cannot be offloaded. The 64-bit accumulate reads 8 bytes at a time in network order.
/// </summary>
public static unsafe class Checksum
{
    /// <summary>Ones'-complement sum of <paramref name="length"/> bytes at <paramref name="data"/> added to <paramref name="sum"/>.</summary>
    public static ulong CsumPartial(byte* data, int length, ulong sum)
    {
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            ulong word = BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ulong>(data + i));
            // Add the two 32-bit halves separately so the 64-bit accumulator cannot overflow.
            sum += (word >> 32) + (word & 0xFFFF_FFFF);
        }
        for (; i + 2 <= length; i += 2) sum += (uint)((data[i] << 8) | data[i + 1]);
        if (i < length) sum += (uint)data[i] << 8;
        return sum;
    }

    /// <summary>Folds to 16 bits and complements.</summary>
    public static ushort CsumFold(ulong sum)
    {
        while ((sum >> 16) != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    /// <summary>
    /// Completes a CHECKSUM_PARTIAL packet in software: sums from <paramref name="start"/> to the end (the checksum
    /// field already holds the pseudo-header sum) and stores the folded complement at <paramref name="start"/> +
    /// <paramref name="offset"/>. UDP's zero result is sent as 0xFFFF.
    /// </summary>
    public static void ChecksumHelp(Span<byte> frame, int start, int offset, bool isUdp)
    {
        fixed (byte* p = frame)
        {
            ushort result = CsumFold(CsumPartial(p + start, frame.Length - start, 0));
            if (isUdp && result == 0) result = 0xFFFF;
            BinaryPrimitives.WriteUInt16BigEndian(frame.Slice(start + offset), result);
        }
    }

    /// <summary>The IPv4 header checksum the driver recomputes before handing a frame to hardware that cannot.</summary>
    public static ushort IpFastCsum(ReadOnlySpan<byte> header)
    {
        fixed (byte* p = header) return CsumFold(CsumPartial(p, header.Length, 0));
    }
}
