using Kernel;
using Kernel.Net;

namespace E1000e;

// The transmit path (netdev.c): xmit, checksum context, DMA mapping into bounce slots, descriptor queueing, cleanup.
public sealed unsafe partial class E1000Adapter
{
    /// <inheritdoc/>
    public NetdevTx StartXmit(SkBuff skb)
    {
        if ((State & AdapterState.Down) != 0 || !CarrierOk)
        {
            // No carrier: the frame is dropped here rather than queued forever (dev_kfree_skb_any).
            TxLinkDownDrops++;
            NetStats.TxDropped++;
            Kernel.Skbs.Free(skb);
            return NetdevTx.Ok;
        }
        if (skb.Len <= 0 || skb.Len > Hw.Mac.MaxFrameSize)
        {
            NetStats.TxDropped++;
            Kernel.Skbs.Free(skb);
            return NetdevTx.Ok;
        }

        int count = DescriptorsNeeded(skb);
        if (!MaybeStopTx(count + 2))
        {
            TxBusy++;
            return NetdevTx.Busy;
        }

        uint txFlags = 0;
        byte css = 0, cso = 0;
        if (skb.IpSummed == ChecksumStatus.Partial)
        {
            if (Params.TxCsumOffload && skb.CsumStart < 256 && skb.CsumStart + skb.CsumOffset < 256)
            {
                css = (byte)skb.CsumStart;
                cso = (byte)(skb.CsumStart + skb.CsumOffset);
                txFlags |= Bits.TXD_CMD_IC;
            }
            else
            {
                bool isUdp = skb.Buffer[skb.NetworkHeader + Ipv4.ProtocolOffset] == Ipv4.ProtocolUdp;
                Checksum.ChecksumHelp(skb.Span, skb.CsumStart, skb.CsumOffset, isUdp);
                SwCsumFallback++;
            }
            skb.IpSummed = ChecksumStatus.None;
        }

        int first = TxRing.NextToUse;
        int mapped = TxMap(skb, first, count);
        if (mapped == 0)
        {
            NetStats.TxDropped++;
            Kernel.Skbs.Free(skb);
            return NetdevTx.Ok;
        }
        TxQueue(first, mapped, txFlags, css, cso);
        MaybeStopTx(TxWakeThreshold);
        return NetdevTx.Ok;
    }

    /// <summary>How many descriptors a frame takes: headers and payload go in separate buffers past the copybreak size.</summary>
    private int DescriptorsNeeded(SkBuff skb) => skb.Len > Params.Copybreak && HeaderLength(skb) < skb.Len ? 2 : 1;

    private static int HeaderLength(SkBuff skb)
    {
        if (skb.TransportHeader <= skb.Data) return skb.Len;
        int l4 = skb.Buffer[skb.NetworkHeader + Ipv4.ProtocolOffset] == Ipv4.ProtocolTcp ? Tcp.HeaderLength : Udp.HeaderLength;
        return skb.TransportHeader - skb.Data + l4;
    }

    /// <summary>Stops the queue when fewer than <paramref name="needed"/> descriptors are free (e1000_maybe_stop_tx).</summary>
    private bool MaybeStopTx(int needed)
    {
        if (TxRing.Unused >= needed) return true;
        QueueStopped = true;
        // Re-check after stopping: the cleanup path may have freed descriptors meanwhile.
        if (TxRing.Unused < needed) return false;
        QueueStopped = false;
        RestartQueue++;
        return true;
    }

    /// <summary>
    /// Copies the frame into the bounce slots of the next descriptors (dma_map_single + e1000_tx_map) and records
    /// the mapping; returns how many descriptors were used.
    /// </summary>
    private int TxMap(SkBuff skb, int first, int count)
    {
        var data = skb.Span;
        int headLength = count == 2 ? HeaderLength(skb) : data.Length;
        int i = first;
        int offset = 0;
        for (int segment = 0; segment < count; segment++)
        {
            int length = segment == 0 ? headLength : data.Length - headLength;
            if (length > TxRing.SlotSize) return 0;
            var slot = new Span<byte>(TxRing.Buffers + (long)i * TxRing.SlotSize, length);
            data.Slice(offset, length).CopyTo(slot);
            ref TxBuffer info = ref TxRing.BufferInfo[i];
            info.Dma = TxRing.SlotDma(i);
            info.Length = length;
            info.TimeStamp = Kernel.NowNs;
            info.Mapped = true;
            info.NextToWatch = -1;
            offset += length;
            if (segment + 1 < count) i = (i + 1) % TxRing.Count;
        }
        ref TxBuffer last = ref TxRing.BufferInfo[i];
        last.Segs = 1;
        last.Bytecount = (uint)data.Length;
        TxRing.Skbs[i] = skb;
        TxRing.BufferInfo[first].NextToWatch = i;
        if (count == 2) TxSplitFrames++;
        return count;
    }

    /// <summary>Fills the descriptors and bumps the tail (e1000_tx_queue).</summary>
    private void TxQueue(int first, int count, uint txFlags, byte css, byte cso)
    {
        byte cmd = (byte)(TxdCmd | txFlags);
        int i = first;
        for (int n = 0; n < count; n++)
        {
            ref TxBuffer info = ref TxRing.BufferInfo[i];
            ref TxDesc desc = ref TxRing.Desc[i];
            desc.BufferAddr = info.Dma;
            desc.Length = (ushort)info.Length;
            desc.Cso = cso;
            desc.Css = css;
            desc.Special = 0;
            desc.Status = 0;
            desc.Cmd = n == count - 1 ? (byte)(cmd | Bits.TXD_CMD_EOP | Bits.TXD_CMD_RS) : cmd;
            i = (i + 1) % TxRing.Count;
        }
        // The descriptors must be visible before the device sees the new tail (wmb).
        Thread.MemoryBarrier();
        TxRing.NextToUse = i;
        Hw.Ew32(Reg.TDT, (uint)i);
    }

    /// <summary>
    /// Reclaims descriptors the hardware finished (e1000_clean_tx_irq): walks from next_to_clean to each packet's
    /// end-of-packet descriptor while DD is set, frees the buffers and counts the packets. Returns whether it drained.
    /// </summary>
    public bool CleanTxIrq()
    {
        int i = TxRing.NextToClean;
        int eop = TxRing.BufferInfo[i].NextToWatch;
        uint packets = 0, bytes = 0;
        int budget = TxRing.Count;
        while (eop >= 0 && (TxRing.Desc[eop].Status & Bits.TXD_STAT_DD) != 0 && budget-- > 0)
        {
            for (bool cleaned = false; !cleaned;)
            {
                ref TxBuffer info = ref TxRing.BufferInfo[i];
                cleaned = i == eop;
                if (cleaned)
                {
                    packets += info.Segs;
                    bytes += info.Bytecount;
                    if (TxRing.Skbs[i] is { } skb)
                    {
                        Kernel.Skbs.Free(skb);
                        TxRing.Skbs[i] = null;
                    }
                }
                info = default;
                info.NextToWatch = -1;
                TxRing.Desc[i].Status = 0;
                i = (i + 1) % TxRing.Count;
            }
            eop = TxRing.BufferInfo[i].NextToWatch;
        }
        TxRing.NextToClean = i;
        TxRing.Packets += packets;
        TxRing.Bytes += bytes;
        NetStats.TxPackets += packets;
        NetStats.TxBytes += bytes;
        TotalTxPackets += packets;
        TotalTxBytes += bytes;
        if (QueueStopped && TxRing.Unused >= TxWakeThreshold && (State & AdapterState.Down) == 0)
        {
            QueueStopped = false;
            RestartQueue++;
        }
        DetectTxHang(i);
        return budget > 0;
    }

    private void DetectTxHang(int i)
    {
        ref TxBuffer pending = ref TxRing.BufferInfo[i];
        if (pending.NextToWatch < 0 || pending.TimeStamp == 0) return;
        if (Kernel.NowNs - pending.TimeStamp > 2_000_000_000 && (Hw.Er32(Reg.STATUS) & Bits.STATUS_TXOFF) == 0)
        {
            TxHangDetected++;
            Hw.Log(LogLevel.Error, $"Detected Hardware Unit Hang: TDH <{Hw.Er32(Reg.TDH)}> TDT <{Hw.Er32(Reg.TDT)}> next_to_clean <{i}>");
        }
    }

    /// <summary>Frees every pending transmit buffer (e1000_clean_tx_ring).</summary>
    private void CleanTxRing()
    {
        if (TxRing.Desc == null) return;
        for (int i = 0; i < TxRing.Count; i++)
        {
            if (TxRing.Skbs[i] is { } skb)
            {
                Kernel.Skbs.Free(skb);
                TxRing.Skbs[i] = null;
            }
            TxRing.BufferInfo[i] = default;
            TxRing.BufferInfo[i].NextToWatch = -1;
        }
        new Span<byte>(TxRing.Desc, TxRing.Count * sizeof(TxDesc)).Clear();
        TxRing.NextToUse = TxRing.NextToClean = 0;
        Hw.Ew32(Reg.TDH, 0);
        Hw.Ew32(Reg.TDT, 0);
    }
}
