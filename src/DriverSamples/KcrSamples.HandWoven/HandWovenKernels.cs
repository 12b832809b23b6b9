using System.Runtime.CompilerServices;
using KcrRuntime;

namespace KcrSamples;

/// <summary>
/// The sample kernels memoized by hand, written exactly as the weaver emits them (src/KcrRuntime/README.md): a table
/// in a static readonly field, the thread's slot in a [ThreadStatic] field, an inlinable wrapper (stamp test, key,
/// L2 lookup) and an out-of-line miss (slot creation, L3 lookup, original, insert). Each wrapper calls the kernel's
/// unwrapped core, which is what the weaver's renamed original is.
/// </summary>
public static class HandWovenKernels
{
    /// <summary>Table of <see cref="AesEncryptBlock"/>.</summary>
    public static readonly MemoTable<MemoKey<bool>, byte[]> AesTable =
        new("KcrSamples.HandWovenKernels::AesEncryptBlock(System.Byte[])", KcrOptions.Create(-1, -1, -1, -1, -1, -1));

    [ThreadStatic]
    private static MemoSlot<MemoKey<bool>, byte[]>? t_AesTable;

    /// <summary>Memoized <see cref="CryptoKernels.AesEncryptBlock"/>; every hit returns a fresh copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte[] AesEncryptBlock(byte[] block)
    {
        if (!AesTable.IsActive)
        {
            return CryptoKernels.AesEncryptBlockCore(block);
        }

        var key = new MemoKey<bool>(block != null);
        ReadOnlySpan<byte> view = MemoBuffer.Of(block);
        if (AesTable.TryGet(t_AesTable, in key, view, out byte[] result))
        {
            return result;
        }

        return AesEncryptBlockMiss(block!, in key);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static byte[] AesEncryptBlockMiss(byte[] block, in MemoKey<bool> key)
    {
        t_AesTable ??= AesTable.CreateSlot();
        ReadOnlySpan<byte> view = MemoBuffer.Of(block);
        if (AesTable.Lookup(t_AesTable, in key, view, out byte[] result, out MemoMiss miss))
        {
            return result;
        }

        result = CryptoKernels.AesEncryptBlockCore(block);
        AesTable.Add(t_AesTable, in key, view, result, in miss);
        return result;
    }

    /// <summary>Table of <see cref="Sha256"/>.</summary>
    public static readonly MemoTable<MemoKey<bool>, byte[]> Sha256Table =
        new("KcrSamples.HandWovenKernels::Sha256(System.Byte[])", KcrOptions.Create(-1, -1, -1, -1, -1, -1));

    [ThreadStatic]
    private static MemoSlot<MemoKey<bool>, byte[]>? t_Sha256Table;

    /// <summary>Memoized <see cref="CryptoKernels.Sha256"/>; every hit returns a fresh copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte[] Sha256(byte[] packet)
    {
        if (!Sha256Table.IsActive)
        {
            return CryptoKernels.Sha256Core(packet);
        }

        var key = new MemoKey<bool>(packet != null);
        ReadOnlySpan<byte> view = MemoBuffer.Of(packet);
        if (Sha256Table.TryGet(t_Sha256Table, in key, view, out byte[] result))
        {
            return result;
        }

        return Sha256Miss(packet!, in key);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static byte[] Sha256Miss(byte[] packet, in MemoKey<bool> key)
    {
        t_Sha256Table ??= Sha256Table.CreateSlot();
        ReadOnlySpan<byte> view = MemoBuffer.Of(packet);
        if (Sha256Table.Lookup(t_Sha256Table, in key, view, out byte[] result, out MemoMiss miss))
        {
            return result;
        }

        result = CryptoKernels.Sha256Core(packet);
        Sha256Table.Add(t_Sha256Table, in key, view, result, in miss);
        return result;
    }

    /// <summary>Table of <see cref="InternetChecksum"/>.</summary>
    public static readonly MemoTable<MemoKey<bool>, ushort> ChecksumTable =
        new("KcrSamples.HandWovenKernels::InternetChecksum(System.Byte[])", KcrOptions.Create(-1, -1, -1, -1, -1, -1));

    [ThreadStatic]
    private static MemoSlot<MemoKey<bool>, ushort>? t_ChecksumTable;

    /// <summary>Memoized <see cref="NetworkKernels.InternetChecksum"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort InternetChecksum(byte[] data)
    {
        if (!ChecksumTable.IsActive)
        {
            return NetworkKernels.InternetChecksumCore(data);
        }

        var key = new MemoKey<bool>(data != null);
        ReadOnlySpan<byte> view = MemoBuffer.Of(data);
        if (ChecksumTable.TryGet(t_ChecksumTable, in key, view, out ushort result))
        {
            return result;
        }

        return InternetChecksumMiss(data!, in key);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ushort InternetChecksumMiss(byte[] data, in MemoKey<bool> key)
    {
        t_ChecksumTable ??= ChecksumTable.CreateSlot();
        ReadOnlySpan<byte> view = MemoBuffer.Of(data);
        if (ChecksumTable.Lookup(t_ChecksumTable, in key, view, out ushort result, out MemoMiss miss))
        {
            return result;
        }

        result = NetworkKernels.InternetChecksumCore(data);
        ChecksumTable.Add(t_ChecksumTable, in key, view, result, in miss);
        return result;
    }

    /// <summary>Table of <see cref="Crc32Of"/>.</summary>
    public static readonly MemoTable<MemoKey<bool>, uint> Crc32Table =
        new("KcrSamples.HandWovenKernels::Crc32Of(System.Byte[])", KcrOptions.Create(-1, -1, -1, -1, -1, -1));

    [ThreadStatic]
    private static MemoSlot<MemoKey<bool>, uint>? t_Crc32Table;

    /// <summary>Memoized <see cref="NetworkKernels.Crc32Of"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Crc32Of(byte[] data)
    {
        if (!Crc32Table.IsActive)
        {
            return NetworkKernels.Crc32OfCore(data);
        }

        var key = new MemoKey<bool>(data != null);
        ReadOnlySpan<byte> view = MemoBuffer.Of(data);
        if (Crc32Table.TryGet(t_Crc32Table, in key, view, out uint result))
        {
            return result;
        }

        return Crc32OfMiss(data!, in key);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static uint Crc32OfMiss(byte[] data, in MemoKey<bool> key)
    {
        t_Crc32Table ??= Crc32Table.CreateSlot();
        ReadOnlySpan<byte> view = MemoBuffer.Of(data);
        if (Crc32Table.Lookup(t_Crc32Table, in key, view, out uint result, out MemoMiss miss))
        {
            return result;
        }

        result = NetworkKernels.Crc32OfCore(data);
        Crc32Table.Add(t_Crc32Table, in key, view, result, in miss);
        return result;
    }

    /// <summary>Table of <see cref="CopyBuffer"/>.</summary>
    public static readonly MemoTable<MemoKey<bool>, byte[]> CopyTable =
        new("KcrSamples.HandWovenKernels::CopyBuffer(System.Byte[])", KcrOptions.Create(-1, 64 * 1024, -1, -1, -1, -1));

    [ThreadStatic]
    private static MemoSlot<MemoKey<bool>, byte[]>? t_CopyTable;

    /// <summary>Memoized <see cref="MemoryKernels.CopyBuffer"/>; every hit returns a fresh copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte[] CopyBuffer(byte[] source)
    {
        if (!CopyTable.IsActive)
        {
            return MemoryKernels.CopyBufferCore(source);
        }

        var key = new MemoKey<bool>(source != null);
        ReadOnlySpan<byte> view = MemoBuffer.Of(source);
        if (CopyTable.TryGet(t_CopyTable, in key, view, out byte[] result))
        {
            return result;
        }

        return CopyBufferMiss(source!, in key);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static byte[] CopyBufferMiss(byte[] source, in MemoKey<bool> key)
    {
        t_CopyTable ??= CopyTable.CreateSlot();
        ReadOnlySpan<byte> view = MemoBuffer.Of(source);
        if (CopyTable.Lookup(t_CopyTable, in key, view, out byte[] result, out MemoMiss miss))
        {
            return result;
        }

        result = MemoryKernels.CopyBufferCore(source);
        CopyTable.Add(t_CopyTable, in key, view, result, in miss);
        return result;
    }

    /// <summary>Table of <see cref="NextTicket"/>; learning should mark it nondeterministic.</summary>
    public static readonly MemoTable<MemoKey<int>, long> TicketTable =
        new("KcrSamples.HandWovenKernels::NextTicket(System.Int32)", KcrOptions.Create(-1, -1, -1, -1, -1, -1));

    [ThreadStatic]
    private static MemoSlot<MemoKey<int>, long>? t_ticketSlot;

    /// <summary>Memoized (by mistake) <see cref="NondeterministicKernels.NextTicket"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long NextTicket(int queue)
    {
        if (!TicketTable.IsActive)
        {
            return NondeterministicKernels.NextTicketCore(queue);
        }

        var key = new MemoKey<int>(queue);
        if (TicketTable.TryGet(t_ticketSlot, in key, out long result))
        {
            return result;
        }

        return NextTicketMiss(queue, in key);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long NextTicketMiss(int queue, in MemoKey<int> key)
    {
        t_ticketSlot ??= TicketTable.CreateSlot();
        if (TicketTable.Lookup(t_ticketSlot, in key, out long result, out MemoMiss miss))
        {
            return result;
        }

        result = NondeterministicKernels.NextTicketCore(queue);
        TicketTable.Add(t_ticketSlot, in key, result, in miss);
        return result;
    }
}
