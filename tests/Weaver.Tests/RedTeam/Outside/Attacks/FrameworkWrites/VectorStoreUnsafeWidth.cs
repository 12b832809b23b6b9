using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites;

[Attack("Vector128<byte>.StoreUnsafe(ref last byte of its own DMA window): checked as one byte (sizeof T), writes 16, 15 into the neighbouring device window", Expect.Either)]
public sealed unsafe class VectorStoreUnsafeWidth : IKernelModule
{
    public const long Hook = 0x4141_4141_4141;

    public string Name => "VectorStoreUnsafeWidth";

    public void Init(KernelApi kernel)
    {
        var own = kernel.Dma.Allocate(4096, "widthoverrun", "scratch");
        ref byte last = ref *((byte*)own.Address + (int)own.Length - 1);
        System.Runtime.Intrinsics.Vector128.StoreUnsafe(System.Runtime.Intrinsics.Vector128.Create((byte)0xEE), ref last);
    }

    public void Exit() { }

    private static (nint Address, int Length) Blk0(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows) if (w.Owner == "blk0") return (w.Address, (int)w.Length);
        throw new InvalidOperationException("no blk0 window");
    }
}
