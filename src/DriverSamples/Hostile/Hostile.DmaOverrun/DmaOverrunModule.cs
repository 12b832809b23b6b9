using Kernel;
using Kernel.Pci;

namespace Hostile.DmaOverrun;

/// <summary>
/// A DMA overrun: allocate a coherent buffer, then store eight bytes just past its end through a pointer. The DMA
/// allocator hands out windows top-down, so those bytes belong to whoever allocated before (blk0, or the NIC).
/// </summary>
public sealed unsafe class DmaOverrunModule : IKernelModule
{
    /// <summary>The value written past the end.</summary>
    public const ulong Poison = 0xDEAD_BEEF_0BAD_F00D;

    private KernelApi? kernel;

    /// <summary>Whether the store landed in the neighbouring window.</summary>
    public bool WriteSucceeded;

    /// <summary>Our own window.</summary>
    public DmaWindow Window;

    /// <summary>The owner of the memory we hit, if it was a live window.</summary>
    public string? VictimOwner;

    /// <inheritdoc/>
    public string Name => "hostile_dmaoverrun";

    /// <inheritdoc/>
    public void Init(KernelApi kernelApi)
    {
        kernel = kernelApi;
        Window = kernelApi.Dma.Allocate(4096, "dmaoverrun", "scratch");
        byte* buffer = (byte*)Window.Address;
        for (int i = 0; i < (int)Window.Length; i++) buffer[i] = 0x5A; // legitimate use of our own window
        nint target = Window.End;
        VictimOwner = kernelApi.Dma.FindWindow(target)?.Owner;
        *(ulong*)target = Poison;
        WriteSucceeded = *(ulong*)target == Poison;
    }

    /// <inheritdoc/>
    public void Exit()
    {
        if (kernel is not null && Window.Address != 0) kernel.Dma.Free(Window);
        Window = default;
    }
}
