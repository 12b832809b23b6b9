using System.Buffers.Binary;
using Kernel.Net;
using static Kernel.Hardware.E1000Registers;

namespace Kernel.Hardware;

/// <summary>The DMA side of the NIC model: transmit ring processing, receive filtering, packet buffer and receive ring.</summary>
public sealed unsafe partial class E1000Hardware
{
    /// <summary>How many frames the on-chip receive packet buffer holds before it overflows.</summary>
    public const int PacketBufferFrames = 64;

    private const int SlotSize = 2048;
    private readonly byte[] packetBuffer = new byte[PacketBufferFrames * SlotSize];
    private readonly int[] packetLength = new int[PacketBufferFrames];
    private readonly byte[] txAssembly = new byte[16384];
    private int fifoHead;
    private int fifoCount;
    private int txLength;
    private int txCss;
    private int txCso;
    private bool txInsertChecksum;

    /// <summary>Frames dropped by the destination-address filter.</summary>
    public long FilteredFrames { get; private set; }

    /// <summary>Frames sent out of the port (not looped back).</summary>
    public long WireTxFrames { get; private set; }

    /// <summary>Frames that arrived while the receiver was disabled.</summary>
    public long ReceiverOffDrops { get; private set; }

    /// <summary>Frames waiting in the packet buffer for receive descriptors.</summary>
    public int PendingReceiveFrames => fifoCount;

    /// <summary>A frame arrives on the port (from the traffic generator / link partner).</summary>
    public void InjectFromWire(ReadOnlySpan<byte> frame) => ReceiveFrame(frame);

    private void ResetQueues()
    {
        fifoHead = fifoCount = 0;
        txLength = 0;
    }

    private byte* Translate(ulong busAddress, int length)
    {
        if (!pci.BusMasterEnabled || !dma.IsMapped(busAddress, length))
        {
            DmaFaults++;
            return null;
        }
        return (byte*)busAddress;
    }

    private void ProcessTransmit()
    {
        ulong ringBase = ((ulong)bar.Register(Tdbah) << 32) | bar.Register(Tdbal);
        uint count = bar.Register(Tdlen) / 16;
        uint head = bar.Register(Tdh);
        uint tail = bar.Register(Tdt);
        if (count == 0 || tail >= count || head >= count) return;
        bool wroteBack = false;
        while (head != tail)
        {
            byte* desc = Translate(ringBase + head * 16, 16);
            if (desc == null) break;
            ulong address = *(ulong*)desc;
            int length = *(ushort*)(desc + 8);
            byte cso = desc[10];
            byte cmd = desc[11];
            byte css = desc[13];
            if (txLength == 0)
            {
                txInsertChecksum = (cmd & TxCmdIc) != 0;
                txCss = css;
                txCso = cso;
            }
            byte* data = Translate(address, length);
            if (data != null && txLength + length <= txAssembly.Length)
            {
                new ReadOnlySpan<byte>(data, length).CopyTo(txAssembly.AsSpan(txLength));
                txLength += length;
            }
            if ((cmd & TxCmdRs) != 0)
            {
                desc[12] |= TxStatusDd;
                wroteBack = true;
            }
            head = (head + 1) % count;
            if ((cmd & TxCmdEop) != 0)
            {
                EmitFrame(txAssembly.AsSpan(0, txLength));
                txLength = 0;
            }
        }
        bar.Register(Tdh) = head;
        if (wroteBack) RaiseCause(IcrTxdw);
        if (head == tail) RaiseCause(IcrTxqe);
    }

    private void EmitFrame(Span<byte> frame)
    {
        if (txInsertChecksum && txCss < frame.Length && txCso + 2 <= frame.Length)
        {
            ushort sum = (ushort)~InternetChecksum.Fold(InternetChecksum.Accumulate(0, frame.Slice(txCss)));
            BinaryPrimitives.WriteUInt16BigEndian(frame.Slice(txCso), sum);
        }
        AddStat(Gptc, 1);
        AddStat(Tpt, 1);
        AddStat64(Gotcl, (uint)frame.Length + 4);
        if ((bar.Register(Rctl) & RctlLbmMask) == RctlLbmMac)
        {
            ReceiveFrame(frame);
        }
        else
        {
            WireTxFrames++;
            WireTransmit?.Invoke(frame);
        }
    }

    private void ReceiveFrame(ReadOnlySpan<byte> frame)
    {
        uint rctl = bar.Register(Rctl);
        if ((rctl & RctlEn) == 0)
        {
            ReceiverOffDrops++;
            return;
        }
        if (frame.Length > SlotSize || !PassesFilter(frame, rctl))
        {
            FilteredFrames++;
            return;
        }
        if (fifoCount == PacketBufferFrames)
        {
            AddStat(Mpc, 1);
            RaiseCause(IcrRxo);
            return;
        }
        int slot = (fifoHead + fifoCount) % PacketBufferFrames;
        frame.CopyTo(packetBuffer.AsSpan(slot * SlotSize));
        packetLength[slot] = frame.Length;
        fifoCount++;
        DrainReceiveFifo();
    }

    private bool PassesFilter(ReadOnlySpan<byte> frame, uint rctl)
    {
        var destination = MacAddress.Read(frame);
        if (destination == MacAddress.Broadcast) return (rctl & RctlBam) != 0;
        if (destination.IsMulticast)
        {
            if ((rctl & RctlMpe) != 0) return true;
            int shift = (int)((rctl >> (int)RctlMoShift) & 3);
            uint hash = MulticastHash(frame, shift);
            return (bar.Register(Mta + ((hash >> 5) & 0x7F) * 4) & (1u << (int)(hash & 0x1F))) != 0;
        }
        if ((rctl & RctlUpe) != 0) return true;
        for (uint i = 0; i < RarCount; i++)
        {
            uint high = bar.Register(Rah0 + 8 * i);
            if ((high & RahAv) == 0) continue;
            ulong station = ((ulong)(high & 0xFFFF) << 32) | bar.Register(Ral0 + 8 * i);
            ulong wire = (ulong)frame[0] | ((ulong)frame[1] << 8) | ((ulong)frame[2] << 16) | ((ulong)frame[3] << 24)
                         | ((ulong)frame[4] << 32) | ((ulong)frame[5] << 40);
            if (station == wire) return true;
        }
        return false;
    }

    /// <summary>The 12-bit multicast table index for filter type <paramref name="mo"/> (RCTL.MO), as the datasheet defines it.</summary>
    public static uint MulticastHash(ReadOnlySpan<byte> address, int mo) => mo switch
    {
        0 => (uint)((address[4] >> 4) | (address[5] << 4)) & 0xFFF,
        1 => (uint)((address[4] >> 3) | (address[5] << 5)) & 0xFFF,
        2 => (uint)((address[4] >> 2) | (address[5] << 6)) & 0xFFF,
        _ => (uint)(address[4] | (address[5] << 8)) & 0xFFF,
    };

    private void DrainReceiveFifo()
    {
        uint rctl = bar.Register(Rctl);
        if ((rctl & RctlEn) == 0 || fifoCount == 0) return;
        ulong ringBase = ((ulong)bar.Register(Rdbah) << 32) | bar.Register(Rdbal);
        uint count = bar.Register(Rdlen) / 16;
        uint head = bar.Register(Rdh);
        uint tail = bar.Register(Rdt);
        if (count == 0 || head >= count || tail >= count) return;
        bool extended = (bar.Register(Rfctl) & RfctlExsten) != 0;
        int bufferSize = BufferSize(rctl);
        bool delivered = false;
        while (fifoCount > 0)
        {
            var frame = packetBuffer.AsSpan(fifoHead * SlotSize, packetLength[fifoHead]);
            int needed = (frame.Length + bufferSize - 1) / bufferSize;
            uint free = (tail + count - head) % count;
            if (free < needed) break; // wait for the driver to return descriptors
            var (status, errors, csum) = OffloadChecksums(frame);
            for (int offset = 0; offset < frame.Length; offset += bufferSize)
            {
                byte* desc = Translate(ringBase + head * 16, 16);
                if (desc == null) return;
                int chunk = Math.Min(bufferSize, frame.Length - offset);
                byte* buffer = Translate(*(ulong*)desc, chunk);
                if (buffer != null) frame.Slice(offset, chunk).CopyTo(new Span<byte>(buffer, chunk));
                byte st = (byte)(RxStatusDd | (offset + chunk == frame.Length ? RxStatusEop | status : 0));
                WriteBack(desc, extended, (ushort)chunk, st, errors, csum);
                head = (head + 1) % count;
            }
            CountReceived(frame);
            fifoHead = (fifoHead + 1) % PacketBufferFrames;
            fifoCount--;
            delivered = true;
        }
        bar.Register(Rdh) = head;
        if (!delivered) return;
        uint cause = IcrRxt0;
        if ((tail + count - head) % count < count / 2) cause |= IcrRxdmt0;
        RaiseCause(cause);
    }

    private static void WriteBack(byte* desc, bool extended, ushort length, byte status, byte errors, ushort csum)
    {
        if (extended)
        {
            *(uint*)desc = 0;                   // mrq
            *(ushort*)(desc + 4) = 0;           // ip id
            *(ushort*)(desc + 6) = csum;        // packet checksum
            *(uint*)(desc + 8) = status | ((uint)errors << 24);
            *(ushort*)(desc + 12) = length;
            *(ushort*)(desc + 14) = 0;          // vlan
        }
        else
        {
            *(ushort*)(desc + 8) = length;
            *(ushort*)(desc + 10) = csum;
            desc[13] = errors;
            *(ushort*)(desc + 14) = 0;
            desc[12] = status;                  // DD last: the driver may look at the descriptor any time
        }
    }

    private (byte Status, byte Errors, ushort Csum) OffloadChecksums(ReadOnlySpan<byte> frame)
    {
        uint rxcsum = bar.Register(Rxcsum);
        int pcss = (int)(rxcsum & RxcsumPcssMask);
        ushort csum = pcss < frame.Length ? InternetChecksum.Fold(InternetChecksum.Accumulate(0, frame.Slice(pcss))) : (ushort)0;
        if ((rxcsum & (RxcsumIpofl | RxcsumTuofl)) == 0 || frame.Length < 34
            || BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(12)) != Ethernet.TypeIpv4)
            return (RxStatusIxsm, 0, csum);
        byte status = 0, errors = 0;
        var ip = frame.Slice(Ethernet.HeaderLength);
        int ihl = (ip[0] & 0xF) * 4;
        int total = BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(2));
        if (ihl < 20 || total < ihl || total > ip.Length) return (RxStatusIxsm, 0, csum);
        if ((rxcsum & RxcsumIpofl) != 0)
        {
            status |= RxStatusIpcs;
            if (InternetChecksum.Fold(InternetChecksum.Accumulate(0, ip.Slice(0, ihl))) != 0xFFFF) errors |= RxErrorIpe;
        }
        byte protocol = ip[9];
        if ((rxcsum & RxcsumTuofl) != 0 && (protocol == Ipv4.ProtocolTcp || protocol == Ipv4.ProtocolUdp))
        {
            status |= protocol == Ipv4.ProtocolUdp ? (byte)(RxStatusTcpcs | RxStatusUdpcs) : RxStatusTcpcs;
            var segment = ip.Slice(ihl, total - ihl);
            bool udpNoChecksum = protocol == Ipv4.ProtocolUdp && segment.Length >= 8 && BinaryPrimitives.ReadUInt16BigEndian(segment.Slice(6)) == 0;
            uint src = BinaryPrimitives.ReadUInt32BigEndian(ip.Slice(12));
            uint dst = BinaryPrimitives.ReadUInt32BigEndian(ip.Slice(16));
            if (!udpNoChecksum && !InternetChecksum.VerifyTransport(src, dst, protocol, segment)) errors |= RxErrorTcpe;
        }
        return (status, errors, csum);
    }

    private void CountReceived(ReadOnlySpan<byte> frame)
    {
        AddStat(Gprc, 1);
        AddStat(Tpr, 1);
        AddStat64(Gorcl, (uint)frame.Length + 4);
        var destination = MacAddress.Read(frame);
        if (destination == MacAddress.Broadcast) AddStat(Bprc, 1);
        else if (destination.IsMulticast) AddStat(Mprc, 1);
    }

    private static int BufferSize(uint rctl)
    {
        int size = ((rctl & RctlSzMask) >> 16) switch { 0 => 2048, 1 => 1024, 2 => 512, _ => 256 };
        return (rctl & RctlBsex) != 0 ? size * 16 : size;
    }

    private void AddStat(uint offset, uint amount) => bar.Register(offset) += amount;

    private void AddStat64(uint lowOffset, uint amount)
    {
        ref uint low = ref bar.Register(lowOffset);
        uint before = low;
        low += amount;
        if (low < before) bar.Register(lowOffset + 4)++;
    }
}
