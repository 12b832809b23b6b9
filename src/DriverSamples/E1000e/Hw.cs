using System.Runtime.CompilerServices;
using Kernel;
using Kernel.Pci;

namespace E1000e;

/// <summary>
/// The hardware abstraction (struct e1000_hw): the register window, the MAC/PHY/NVM/flow-control state and the
/// variant operations. Split over Hw.cs (register access), Mac.cs, Phy.cs, Nvm.cs and Manage.cs like the C driver.
/// </summary>
public sealed unsafe partial class E1000Hw
{
    public readonly byte* HwAddr;
    public readonly MmioBar Bar;
    public readonly PciDevice Pdev;
    public readonly KernelApi Kernel;
    public readonly MacInfo Mac = new();
    public readonly PhyInfo Phy = new();
    public readonly NvmInfo Nvm = new();
    public readonly FcInfo Fc = new();
    public readonly HwStats Stats = new();
    public MacVariant Ops;
    public ushort DeviceId;
    public byte RevisionId;
    public long RegisterWrites;
    public string Name;

    public E1000Hw(PciDevice pdev, KernelApi kernel)
    {
        Pdev = pdev;
        Kernel = kernel;
        Bar = pdev.Bar0 ?? throw new InvalidOperationException($"{pdev.Name}: no BAR0");
        HwAddr = Bar.Base;
        DeviceId = pdev.DeviceId;
        RevisionId = (byte)pdev.ReadConfig32(PciDevice.RevisionOffset);
        Name = pdev.Name;
        Ops = MacVariant.For(DeviceId, this);
    }

    /// <summary>writel: a posted store to the register at <paramref name="reg"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Ew32(uint reg, uint value)
    {
        *(uint*)(HwAddr + reg) = value;
        RegisterWrites++;
        Bar.Posted(reg);
    }

    /// <summary>readl.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Er32(uint reg) => Bar.Read32(reg);

    /// <summary>Writes element <paramref name="index"/> of a register array (MTA, VFTA).</summary>
    public void Ew32Array(uint reg, int index, uint value)
    {
        uint offset = reg + ((uint)index << 2);
        Unsafe.WriteUnaligned(HwAddr + offset, value);
        RegisterWrites++;
        Bar.Posted(offset);
    }

    /// <summary>Reads element <paramref name="index"/> of a register array.</summary>
    public uint Er32Array(uint reg, int index) => Er32(reg + ((uint)index << 2));

    /// <summary>Forces posted writes out by reading STATUS.</summary>
    public void Flush() => Er32(Reg.STATUS);

    /// <summary>Sets bits in a register (read-modify-write).</summary>
    public void SetBits(uint reg, uint bits) => Ew32(reg, Er32(reg) | bits);

    /// <summary>Clears bits in a register.</summary>
    public void ClearBits(uint reg, uint bits) => Ew32(reg, Er32(reg) & ~bits);

    /// <summary>Polls <paramref name="reg"/> until <paramref name="mask"/> is set or <paramref name="attempts"/> run out.</summary>
    public bool PollSet(uint reg, uint mask, int attempts, int delayUs)
    {
        for (int i = 0; i < attempts; i++)
        {
            if ((Er32(reg) & mask) != 0) return true;
            Kernel.Udelay(delayUs);
        }
        return false;
    }

    public void Log(LogLevel level, string message) => Kernel.Printk(level, "e1000e " + Name, message);
}

/// <summary>A hardware operation failed (the E1000_ERR_* codes).</summary>
public sealed class E1000Exception(string message) : Exception(message);
