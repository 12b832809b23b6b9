using System.Runtime.CompilerServices;
using KcrRuntime;

namespace KcrSamples;

/// <summary>
/// The sample kernels memoized by hand, written exactly as the weaver will emit them (table in a
/// static readonly field, key on the stack, TryGet, original, Offer, Dispose), so the runtime can
/// be tested and benchmarked before the weaving step exists. Each wrapper calls the kernel's
/// unwrapped core, which is what the weaver's renamed original will be.
/// </summary>
/// <remarks>
/// [SkipLocalsInit] mirrors clearing the wrapper's <c>InitLocals</c> flag: the wrapper's only
/// locals are the key (fully set by its constructor) and the result, so zeroing the 256-byte
/// stack buffer on every call would be pure waste.
/// </remarks>
[SkipLocalsInit]
public static class HandWovenKernels
{
    /// <summary>Table of <see cref="AesEncryptBlock"/>.</summary>
    public static readonly MemoTable<byte[]> AesTable =
        new("KcrSamples.HandWovenKernels::AesEncryptBlock(System.Byte[])", KcrOptions.Create(-1, -1, -1, -1));

    /// <summary>Table of <see cref="Sha256"/>.</summary>
    public static readonly MemoTable<byte[]> Sha256Table =
        new("KcrSamples.HandWovenKernels::Sha256(System.Byte[])", KcrOptions.Create(-1, -1, -1, -1));

    /// <summary>Table of <see cref="InternetChecksum"/>.</summary>
    public static readonly MemoTable<ushort> ChecksumTable =
        new("KcrSamples.HandWovenKernels::InternetChecksum(System.Byte[])", KcrOptions.Create(-1, -1, -1, -1));

    /// <summary>Table of <see cref="Crc32Of"/>.</summary>
    public static readonly MemoTable<uint> Crc32Table =
        new("KcrSamples.HandWovenKernels::Crc32Of(System.Byte[])", KcrOptions.Create(-1, -1, -1, -1));

    /// <summary>Table of <see cref="CopyBuffer"/> (larger keys allowed, as its attribute says).</summary>
    public static readonly MemoTable<byte[]> CopyTable =
        new("KcrSamples.HandWovenKernels::CopyBuffer(System.Byte[])", KcrOptions.Create(-1, 64 * 1024, -1, -1));

    /// <summary>Table of <see cref="NextTicket"/>; learning should mark it nondeterministic.</summary>
    public static readonly MemoTable<long> TicketTable =
        new("KcrSamples.HandWovenKernels::NextTicket(System.Int32)", KcrOptions.Create(-1, -1, -1, -1));

    /// <summary>Memoized <see cref="CryptoKernels.AesEncryptBlock"/>; every hit returns a fresh copy.</summary>
    public static byte[] AesEncryptBlock(byte[] block)
    {
        var key = new KeyBuilder(stackalloc byte[KeyBuilder.InlineCapacity], AesTable);
        key.Add(block);
        if (AesTable.TryGet(ref key, out byte[] result))
        {
            key.Dispose();
            return result;
        }

        result = CryptoKernels.AesEncryptBlockCore(block);
        AesTable.Offer(ref key, result);
        key.Dispose();
        return result;
    }

    /// <summary>Memoized <see cref="CryptoKernels.Sha256"/>; every hit returns a fresh copy.</summary>
    public static byte[] Sha256(byte[] packet)
    {
        var key = new KeyBuilder(stackalloc byte[KeyBuilder.InlineCapacity], Sha256Table);
        key.Add(packet);
        if (Sha256Table.TryGet(ref key, out byte[] result))
        {
            key.Dispose();
            return result;
        }

        result = CryptoKernels.Sha256Core(packet);
        Sha256Table.Offer(ref key, result);
        key.Dispose();
        return result;
    }

    /// <summary>Memoized <see cref="NetworkKernels.InternetChecksum"/>.</summary>
    public static ushort InternetChecksum(byte[] data)
    {
        var key = new KeyBuilder(stackalloc byte[KeyBuilder.InlineCapacity], ChecksumTable);
        key.Add(data);
        if (ChecksumTable.TryGet(ref key, out ushort result))
        {
            key.Dispose();
            return result;
        }

        result = NetworkKernels.InternetChecksumCore(data);
        ChecksumTable.Offer(ref key, result);
        key.Dispose();
        return result;
    }

    /// <summary>Memoized <see cref="NetworkKernels.Crc32Of"/>.</summary>
    public static uint Crc32Of(byte[] data)
    {
        var key = new KeyBuilder(stackalloc byte[KeyBuilder.InlineCapacity], Crc32Table);
        key.Add(data);
        if (Crc32Table.TryGet(ref key, out uint result))
        {
            key.Dispose();
            return result;
        }

        result = NetworkKernels.Crc32OfCore(data);
        Crc32Table.Offer(ref key, result);
        key.Dispose();
        return result;
    }

    /// <summary>Memoized <see cref="MemoryKernels.CopyBuffer"/>; every hit returns a fresh copy.</summary>
    public static byte[] CopyBuffer(byte[] source)
    {
        var key = new KeyBuilder(stackalloc byte[KeyBuilder.InlineCapacity], CopyTable);
        key.Add(source);
        if (CopyTable.TryGet(ref key, out byte[] result))
        {
            key.Dispose();
            return result;
        }

        result = MemoryKernels.CopyBufferCore(source);
        CopyTable.Offer(ref key, result);
        key.Dispose();
        return result;
    }

    /// <summary>Memoized (by mistake) <see cref="NondeterministicKernels.NextTicket"/>.</summary>
    public static long NextTicket(int queue)
    {
        var key = new KeyBuilder(stackalloc byte[KeyBuilder.InlineCapacity], TicketTable);
        key.Add(queue);
        if (TicketTable.TryGet(ref key, out long result))
        {
            key.Dispose();
            return result;
        }

        result = NondeterministicKernels.NextTicketCore(queue);
        TicketTable.Offer(ref key, result);
        key.Dispose();
        return result;
    }
}
