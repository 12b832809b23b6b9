using Kernel;
using Kernel.Net;
using Kernel.Pci;

namespace E1000e;

/// <summary>
/// A transmit ring (struct e1000_ring, transmit side): the descriptor array and one 2 KiB bounce slot per
/// descriptor, both in coherent DMA memory, plus the driver's per-descriptor bookkeeping.
/// </summary>
public sealed unsafe class TxRing
{
    public const int SlotSize = 2048;
    public DmaWindow DescMem;
    public DmaWindow BufferMem;
    public TxDesc* Desc;
    public byte* Buffers;
    public int Count;
    public int NextToUse;
    public int NextToClean;
    public TxBuffer[] BufferInfo = [];
    public SkBuff?[] Skbs = [];
    public ulong Packets, Bytes;

    /// <summary>Whether the ring's DMA memory is allocated.</summary>
    public bool Allocated => Desc != null;

    /// <summary>Free descriptors, keeping one empty so a full ring is distinguishable (E1000_DESC_UNUSED).</summary>
    public int Unused => (NextToClean > NextToUse ? 0 : Count) + NextToClean - NextToUse - 1;

    /// <summary>Allocates the ring's DMA memory (e1000e_setup_tx_resources).</summary>
    public void Setup(KernelApi kernel, string owner, int count)
    {
        Count = count;
        DescMem = kernel.Dma.Allocate((nuint)(count * sizeof(TxDesc)), owner, "tx-ring");
        BufferMem = kernel.Dma.Allocate((nuint)(count * SlotSize), owner, "tx-buffers");
        Desc = (TxDesc*)DescMem.Address;
        Buffers = (byte*)BufferMem.Address;
        BufferInfo = new TxBuffer[count];
        Skbs = new SkBuff?[count];
        for (int i = 0; i < count; i++) BufferInfo[i].NextToWatch = -1;
        NextToUse = NextToClean = 0;
    }

    /// <summary>The bus address of descriptor <paramref name="index"/>'s bounce slot.</summary>
    public ulong SlotDma(int index) => BufferMem.BusAddress + (ulong)(index * SlotSize);

    /// <summary>Frees the DMA memory (e1000e_free_tx_resources).</summary>
    public void Free(KernelApi kernel)
    {
        if (Desc == null) return;
        kernel.Dma.Free(DescMem);
        kernel.Dma.Free(BufferMem);
        Desc = null;
        Buffers = null;
    }
}

/// <summary>A receive ring: descriptors (legacy or extended) and one receive buffer per descriptor.</summary>
public sealed unsafe class RxRing
{
    public DmaWindow DescMem;
    public DmaWindow BufferMem;
    public byte* Desc;
    public byte* Buffers;
    public int Count;
    public int BufferLen;
    public int NextToUse;
    public int NextToClean;
    public bool Extended;
    public bool Discarding;
    public RxBuffer[] BufferInfo = [];
    public ulong Packets, Bytes;

    /// <summary>Descriptors not yet handed to hardware.</summary>
    public int Unused => (NextToClean > NextToUse ? 0 : Count) + NextToClean - NextToUse - 1;

    /// <summary>Allocates the ring (e1000e_setup_rx_resources).</summary>
    public void Setup(KernelApi kernel, string owner, int count, int bufferLen, bool extended)
    {
        Count = count;
        BufferLen = bufferLen;
        Extended = extended;
        DescMem = kernel.Dma.Allocate((nuint)(count * 16), owner, "rx-ring");
        BufferMem = kernel.Dma.Allocate((nuint)(count * bufferLen), owner, "rx-buffers");
        Desc = (byte*)DescMem.Address;
        Buffers = (byte*)BufferMem.Address;
        BufferInfo = new RxBuffer[count];
        NextToUse = NextToClean = 0;
        Discarding = false;
    }

    /// <summary>Descriptor <paramref name="i"/> in legacy layout.</summary>
    public ref RxDescLegacy Legacy(int i) => ref ((RxDescLegacy*)Desc)[i];

    /// <summary>Descriptor <paramref name="i"/> in extended layout.</summary>
    public ref RxDescExtended Ext(int i) => ref ((RxDescExtended*)Desc)[i];

    /// <summary>Frees the DMA memory.</summary>
    public void Free(KernelApi kernel)
    {
        if (Desc == null) return;
        kernel.Dma.Free(DescMem);
        kernel.Dma.Free(BufferMem);
        Desc = null;
        Buffers = null;
    }
}
