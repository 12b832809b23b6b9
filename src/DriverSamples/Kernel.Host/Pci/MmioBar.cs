using GuardRuntime;
using System.Runtime.InteropServices;

namespace Kernel.Pci;

/// <summary>The device side of a memory-mapped register window: what happens when the CPU touches a register.</summary>
public interface IMmioModel
{
    /// <summary>Called after the driver stored to the 32-bit register at <paramref name="offset"/> (a posted write).</summary>
    void OnWrite(uint offset);

    /// <summary>Called before a register read so the device can update the value (and after, for read-to-clear).</summary>
    uint OnRead(uint offset);
}

/// <summary>
/// A PCI BAR mapped as unmanaged memory. Drivers store to registers directly through <see cref="Base"/>
/// (<c>writel</c>: <c>*(uint*)(hw_addr + reg) = v</c>) and then call <see cref="Posted"/> so the device model reacts,
/// as the bus would deliver the write. Reads go through <see cref="Read32"/> because some registers have read side
/// effects (ICR is read-to-clear, statistics are clear-on-read).
/// </summary>
public sealed unsafe class MmioBar : IDisposable
{
    private byte* mapping;

    /// <summary>Maps a zeroed window of <paramref name="length"/> bytes.</summary>
    public MmioBar(nuint length)
    {
        mapping = (byte*)NativeMemory.AlignedAlloc(length, 4096);
        NativeMemory.Clear(mapping, length);
        Length = length;
    }

    /// <summary>The CPU address of register 0.</summary>
    [ModuleExport]
    public byte* Base => mapping;

    /// <summary>The window size.</summary>
    [ModuleExport]
    public nuint Length { get; }

    /// <summary>The device model behind the window.</summary>
    public IMmioModel? Model { get; set; }

    /// <summary>How many posted writes the device saw.</summary>
    public long PostedWrites { get; private set; }

    /// <summary>Delivers a posted write of the register at <paramref name="offset"/> to the device.</summary>
    [ModuleExport]
    public void Posted(uint offset)
    {
        PostedWrites++;
        Model?.OnWrite(offset);
    }

    /// <summary>Reads a 32-bit register (<c>readl</c>).</summary>
    [ModuleExport]
    public uint Read32(uint offset)
    {
        if (offset + 4 > Length) throw new ArgumentOutOfRangeException(nameof(offset));
        return Model is null ? *(uint*)(mapping + offset) : Model.OnRead(offset);
    }

    /// <summary>The device's own view of a register, without side effects.</summary>
    [ModuleExport]
    public ref uint Register(uint offset) => ref *(uint*)(mapping + offset);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (mapping is null) return;
        NativeMemory.AlignedFree(mapping);
        mapping = null;
    }
}
