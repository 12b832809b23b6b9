using Kernel.Net;

namespace E1000e;

// The receive path (netdev.c): buffer replenishing, descriptor cleanup for legacy and extended formats, checksums.
public sealed unsafe partial class E1000Adapter
{
    /// <summary>
    /// Hands <paramref name="cleanedCount"/> buffers back to hardware (e1000_alloc_rx_buffers /
    /// e1000_alloc_rx_buffers_ext): write each descriptor's buffer address, clear its write-back half, and move RDT
    /// every <see cref="RxBufferWrite"/> descriptors so the device is not starved.
    /// </summary>
    public void AllocRxBuffers(int cleanedCount)
    {
        var ring = RxRing;
        int i = ring.NextToUse;
        while (cleanedCount-- > 0)
        {
            ref RxBuffer buffer = ref ring.BufferInfo[i];
            if (buffer.Dma == 0)
            {
                buffer.Cpu = (nint)(ring.Buffers + (long)i * ring.BufferLen);
                buffer.Dma = ring.BufferMem.BusAddress + (ulong)((long)i * ring.BufferLen);
                buffer.Length = ring.BufferLen;
            }
            if (ring.Extended)
            {
                ref RxDescExtended desc = ref ring.Ext(i);
                desc.ReadBufferAddr = buffer.Dma;
                desc.ReadReserved = 0;
            }
            else
            {
                ref RxDescLegacy desc = ref ring.Legacy(i);
                desc.BufferAddr = buffer.Dma;
                desc.Status = 0;
                desc.Errors = 0;
                desc.Length = 0;
            }
            i = (i + 1) % ring.Count;
            if ((i & (RxBufferWrite - 1)) == 0)
            {
                Thread.MemoryBarrier();
                Hw.Ew32(Reg.RDT, (uint)i);
            }
        }
        if (ring.NextToUse != i)
        {
            ring.NextToUse = i;
            Thread.MemoryBarrier();
            Hw.Ew32(Reg.RDT, (uint)i);
        }
    }

    /// <summary>
    /// Processes up to <paramref name="budget"/> completed receive descriptors (e1000_clean_rx_irq): for each with DD,
    /// drop error or non-EOP frames, copy the frame out of the DMA buffer into a socket buffer, set its checksum
    /// state from the descriptor, count it and pass it to the stack. Returns the work done.
    /// </summary>
    public int CleanRxIrq(int budget)
    {
        var ring = RxRing;
        int i = ring.NextToClean;
        int workDone = 0, cleanedCount = 0;
        uint totalBytes = 0, totalPackets = 0;
        while (workDone < budget)
        {
            byte status, errors;
            int length;
            ushort csum;
            if (ring.Extended)
            {
                ref RxDescExtended ext = ref ring.Ext(i);
                uint staterr = ext.WbStatusError;
                if ((staterr & Bits.RXD_STAT_DD) == 0) break;
                Thread.MemoryBarrier(); // dma_rmb: read the rest only after DD
                status = (byte)staterr;
                errors = (byte)(staterr >> 24);
                length = ext.WbLength;
                csum = ext.WbCsum;
                ext.WbStatusError = 0;
            }
            else
            {
                ref RxDescLegacy legacy = ref ring.Legacy(i);
                if ((legacy.Status & Bits.RXD_STAT_DD) == 0) break;
                Thread.MemoryBarrier();
                status = legacy.Status;
                errors = legacy.Errors;
                length = legacy.Length;
                csum = legacy.Csum;
                legacy.Status = 0;
            }
            workDone++;
            cleanedCount++;
            ref RxBuffer buffer = ref ring.BufferInfo[i];
            i = (i + 1) % ring.Count;

            if (DeliverOne(ring, ref buffer, status, errors, length, csum, out int delivered))
            {
                totalPackets++;
                totalBytes += (uint)delivered;
            }

            if (cleanedCount >= RxBufferWrite)
            {
                ring.NextToClean = i;
                AllocRxBuffers(ring.Unused);
                cleanedCount = 0;
            }
        }
        ring.NextToClean = i;
        int unused = ring.Unused;
        if (unused > 0) AllocRxBuffers(unused);
        ring.Packets += totalPackets;
        ring.Bytes += totalBytes;
        TotalRxPackets += totalPackets;
        TotalRxBytes += totalBytes;
        return workDone;
    }

    private bool DeliverOne(RxRing ring, ref RxBuffer buffer, byte status, byte errors, int length, ushort csum, out int delivered)
    {
        delivered = 0;
        // A frame that spilled over several buffers is not supported without jumbo support: drop every part.
        if ((status & Bits.RXD_STAT_EOP) == 0 || ring.Discarding)
        {
            ring.Discarding = (status & Bits.RXD_STAT_EOP) == 0;
            RxDiscardNonEop++;
            NetStats.RxDropped++;
            return false;
        }
        if ((errors & Bits.RXD_ERR_FRAME_ERR_MASK) != 0 && (Rctl & Bits.RCTL_SBP) == 0)
        {
            NetStats.RxErrors++;
            return false;
        }
        if (!Params.CrcStripping && length > 4) length -= 4;

        var skb = Kernel.Skbs.Alloc();
        if (skb is null)
        {
            AllocRxBuffFailed++;
            NetStats.RxDropped++;
            return false;
        }
        new ReadOnlySpan<byte>((void*)buffer.Cpu, length).CopyTo(skb.Put(length));
        RxCopies++;
        RxChecksum(status, errors, csum, skb);
        var data = skb.Span;
        skb.Protocol = (ushort)((data[12] << 8) | data[13]);
        skb.NetworkHeader = skb.Data + Ethernet.HeaderLength;
        if (Ptp.RxTimestamping) skb.HwTimestamp = Ptp.ReadTimeNs();
        NetStats.RxPackets++;
        NetStats.RxBytes += (ulong)length;
        if ((data[0] & 1) != 0) NetStats.Multicast++;
        delivered = length;
        Kernel.Net.Receive(skb);
        return true;
    }

    /// <summary>Translates the descriptor's checksum bits into the skb's state (e1000_rx_checksum).</summary>
    private void RxChecksum(byte status, byte errors, ushort csum, SkBuff skb)
    {
        skb.IpSummed = ChecksumStatus.None;
        skb.Csum = csum;
        if ((status & Bits.RXD_STAT_IXSM) != 0 || !Params.RxCsumOffload) return;
        if ((errors & (Bits.RXD_ERR_TCPE | Bits.RXD_ERR_IPE)) != 0)
        {
            HwCsumErr++;
            return;
        }
        if ((status & (Bits.RXD_STAT_TCPCS | Bits.RXD_STAT_UDPCS)) == 0) return;
        skb.IpSummed = ChecksumStatus.Unnecessary;
        HwCsumGood++;
    }

    /// <summary>Forgets every receive buffer (e1000_clean_rx_ring).</summary>
    private void CleanRxRing()
    {
        if (RxRing.Desc == null) return;
        Array.Clear(RxRing.BufferInfo);
        new Span<byte>(RxRing.Desc, RxRing.Count * 16).Clear();
        RxRing.NextToUse = RxRing.NextToClean = 0;
        RxRing.Discarding = false;
        Hw.Ew32(Reg.RDH, 0);
        Hw.Ew32(Reg.RDT, 0);
    }
}
