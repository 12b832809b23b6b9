using System.Runtime.InteropServices;

namespace E1000e;

/// <summary>Legacy transmit descriptor (struct e1000_tx_desc), 16 bytes in DMA memory.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
public struct TxDesc
{
    [FieldOffset(0)] public ulong BufferAddr;
    [FieldOffset(8)] public ushort Length;
    [FieldOffset(10)] public byte Cso;
    [FieldOffset(11)] public byte Cmd;
    [FieldOffset(12)] public byte Status;
    [FieldOffset(13)] public byte Css;
    [FieldOffset(14)] public ushort Special;
}

/// <summary>Legacy receive descriptor (struct e1000_rx_desc).</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
public struct RxDescLegacy
{
    [FieldOffset(0)] public ulong BufferAddr;
    [FieldOffset(8)] public ushort Length;
    [FieldOffset(10)] public ushort Csum;
    [FieldOffset(12)] public byte Status;
    [FieldOffset(13)] public byte Errors;
    [FieldOffset(14)] public ushort Special;
}

/// <summary>Extended receive descriptor (union e1000_rx_desc_extended): read format and write-back format overlay.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
public struct RxDescExtended
{
    // Read format, written by the driver.
    [FieldOffset(0)] public ulong ReadBufferAddr;
    [FieldOffset(8)] public ulong ReadReserved;
    // Write-back format, written by the device.
    [FieldOffset(0)] public uint WbMrq;
    [FieldOffset(4)] public ushort WbIpId;
    [FieldOffset(6)] public ushort WbCsum;
    [FieldOffset(8)] public uint WbStatusError;
    [FieldOffset(12)] public ushort WbLength;
    [FieldOffset(14)] public ushort WbVlan;
}

/// <summary>Driver bookkeeping for one transmit descriptor (struct e1000_buffer, transmit side).</summary>
public struct TxBuffer
{
    public ulong Dma;
    public int Length;
    public int NextToWatch;
    public long TimeStamp;
    public uint Bytecount;
    public ushort Segs;
    public bool Mapped;
}

/// <summary>Driver bookkeeping for one receive descriptor (struct e1000_buffer, receive side).</summary>
public struct RxBuffer
{
    public ulong Dma;
    public nint Cpu;
    public int Length;
}
