using GuardRuntime;
using System.Buffers.Binary;

namespace Kernel.Pci;

/// <summary>One PCI function: identity, a 256-byte configuration space, BAR0 and an interrupt line.</summary>
public sealed class PciDevice : IDisposable
{
    /// <summary>Config-space offset of the vendor id.</summary>
    public const int VendorIdOffset = 0x00;
    /// <summary>Config-space offset of the device id.</summary>
    public const int DeviceIdOffset = 0x02;
    /// <summary>Config-space offset of the command register.</summary>
    public const int CommandOffset = 0x04;
    /// <summary>Config-space offset of the revision id.</summary>
    public const int RevisionOffset = 0x08;
    /// <summary>Config-space offset of BAR0.</summary>
    public const int Bar0Offset = 0x10;
    /// <summary>Config-space offset of the subsystem id.</summary>
    public const int SubsystemIdOffset = 0x2E;
    /// <summary>Config-space offset of the interrupt line.</summary>
    public const int InterruptLineOffset = 0x3C;
    /// <summary>Command bit: memory space enable.</summary>
    public const ushort CommandMemory = 0x0002;
    /// <summary>Command bit: bus master enable (DMA).</summary>
    public const ushort CommandBusMaster = 0x0004;

    private readonly byte[] config = new byte[256];

    /// <summary>Creates a function with the given identity and a BAR0 of <paramref name="barLength"/> bytes (0 for none).</summary>
    public PciDevice(string name, ushort vendorId, ushort deviceId, byte revision, nuint barLength, int irq)
    {
        Name = name;
        BinaryPrimitives.WriteUInt16LittleEndian(config.AsSpan(VendorIdOffset), vendorId);
        BinaryPrimitives.WriteUInt16LittleEndian(config.AsSpan(DeviceIdOffset), deviceId);
        config[RevisionOffset] = revision;
        config[InterruptLineOffset] = (byte)irq;
        BinaryPrimitives.WriteUInt16LittleEndian(config.AsSpan(SubsystemIdOffset), 0x0001);
        if (barLength != 0)
        {
            Bar0 = new MmioBar(barLength);
            unsafe { BinaryPrimitives.WriteUInt32LittleEndian(config.AsSpan(Bar0Offset), (uint)(nuint)Bar0.Base); }
        }
        Irq = irq;
    }

    /// <summary>The kernel's name for the function, e.g. <c>nic0</c>.</summary>
    [ModuleExport]
    public string Name { get; }

    /// <summary>The vendor id.</summary>
    [ModuleExport]
    public ushort VendorId => ReadConfig16(VendorIdOffset);

    /// <summary>The device id.</summary>
    [ModuleExport]
    public ushort DeviceId => ReadConfig16(DeviceIdOffset);

    /// <summary>BAR0, or null when the function has no register window.</summary>
    [ModuleExport]
    public MmioBar? Bar0 { get; }

    /// <summary>The interrupt line.</summary>
    [ModuleExport]
    public int Irq { get; }

    /// <summary>Whether a driver claimed the function.</summary>
    public bool Claimed { get; internal set; }

    /// <summary>The module that claimed the function (null: unclaimed, or claimed by the kernel).</summary>
    internal System.Reflection.Assembly? ClaimedBy { get; set; }

    /// <summary>The device model driving interrupts, if any.</summary>
    public IInterruptSource? InterruptSource { get; set; }

    /// <summary>Reads 16 bits of config space (<c>pci_read_config_word</c>).</summary>
    [ModuleExport]
    public ushort ReadConfig16(int offset) => BinaryPrimitives.ReadUInt16LittleEndian(config.AsSpan(offset));

    /// <summary>Reads 32 bits of config space.</summary>
    [ModuleExport]
    public uint ReadConfig32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(config.AsSpan(offset));

    /// <summary>Writes 16 bits of config space; only the command register is writable.</summary>
    [ModuleExport]
    public void WriteConfig16(int offset, ushort value)
    {
        // Only the module that claimed the function configures it; an unclaimed one belongs to the kernel.
        CallingModules.RequireOwner(ClaimedBy, $"write the config space of PCI function {Name}");
        if (offset == CommandOffset) BinaryPrimitives.WriteUInt16LittleEndian(config.AsSpan(offset), value);
    }

    /// <summary>Whether the driver enabled bus mastering (DMA).</summary>
    [ModuleExport]
    public bool BusMasterEnabled => (ReadConfig16(CommandOffset) & CommandBusMaster) != 0;

    /// <inheritdoc/>
    public void Dispose() => Bar0?.Dispose();
}

/// <summary>A device that can raise an interrupt and must be given simulated time.</summary>
public interface IInterruptSource
{
    /// <summary>Whether the interrupt line is asserted.</summary>
    bool InterruptAsserted { get; }

    /// <summary>Advances the device to simulated time <paramref name="nowNs"/> (deliver frames, fire deferred interrupts).</summary>
    void Tick(long nowNs);
}
