using System.Buffers.Binary;
using System.IO.Hashing;
using Kernel.Net;

namespace Workload;

/// <summary>The "socket": hashes every packet the stack delivers, in order.</summary>
public sealed class DigestSink : IPacketSink
{
    private readonly XxHash64 hash = new();
    private readonly byte[] header = new byte[16];

    /// <summary>Packets seen.</summary>
    public long Packets { get; private set; }

    /// <summary>Payload bytes seen.</summary>
    public long PayloadBytes { get; private set; }

    /// <inheritdoc/>
    public void Deliver(scoped in ParsedPacket packet)
    {
        header[0] = packet.Protocol;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(1), packet.SourcePort);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(3), packet.DestinationPort);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(5), packet.IpId);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(7), packet.SourceIp);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(11), (uint)packet.Payload.Length);
        hash.Append(header);
        hash.Append(packet.Payload);
        Packets++;
        PayloadBytes += packet.Payload.Length;
    }

    /// <summary>Mixes in named values (the driver's statistics) and returns the digest.</summary>
    public ulong Finish(IEnumerable<KeyValuePair<string, ulong>> values)
    {
        Span<byte> eight = stackalloc byte[8];
        foreach (var (name, value) in values)
        {
            hash.Append(System.Text.Encoding.UTF8.GetBytes(name));
            BinaryPrimitives.WriteUInt64LittleEndian(eight, value);
            hash.Append(eight);
        }
        return hash.GetCurrentHashAsUInt64();
    }
}
