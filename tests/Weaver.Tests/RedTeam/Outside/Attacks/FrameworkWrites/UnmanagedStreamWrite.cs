using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites;

[Attack("wraps the DMA window of blk0 in an UnmanagedMemoryStream and writes into it", Expect.Either)]
public sealed unsafe class UnmanagedStreamWrite : IKernelModule
{
    public const long Hook = 0x4141_4141_4141;

    public string Name => "UnmanagedStreamWrite";

    public void Init(KernelApi kernel)
    {
        var blk = Blk0(kernel);
        using var stream = new System.IO.UnmanagedMemoryStream((byte*)blk.Address, blk.Length, blk.Length, System.IO.FileAccess.Write);
        stream.Write(new byte[64], 0, 64);
    }

    public void Exit() { }

    private static (nint Address, int Length) Blk0(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows) if (w.Owner == "blk0") return (w.Address, (int)w.Length);
        throw new InvalidOperationException("no blk0 window");
    }
}
