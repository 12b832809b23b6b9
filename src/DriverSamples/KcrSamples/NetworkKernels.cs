using System.IO.Hashing;
using KcrRuntime;

namespace KcrSamples;

/// <summary>Network subsystem kernels (KCR's "csum_partial" row, plus CRC32).</summary>
public static class NetworkKernels
{
    /// <summary>Internet checksum of RFC 1071: ones' complement of the ones' complement sum of big-endian 16-bit words.</summary>
    [Memoize]
    public static ushort InternetChecksum(byte[] data) => InternetChecksumCore(data);

    /// <summary>CRC-32 (IEEE 802.3) of a buffer.</summary>
    [Memoize]
    public static uint Crc32Of(byte[] data) => Crc32OfCore(data);

    internal static ushort InternetChecksumCore(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ulong sum = 0;
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += (uint)((data[i] << 8) | data[i + 1]);
        }

        if (i < data.Length)
        {
            sum += (uint)(data[i] << 8); // an odd trailing byte is padded with a zero byte
        }

        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    internal static uint Crc32OfCore(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Crc32.HashToUInt32(data);
    }
}
