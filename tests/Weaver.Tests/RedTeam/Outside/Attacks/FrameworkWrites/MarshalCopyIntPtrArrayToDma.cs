using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites;

[Attack("Marshal.Copy(long[] source, 0, IntPtr destination, count) into the DMA window of blk0 (a listed overload: the control)", Expect.Stopped)]
public sealed unsafe class MarshalCopyIntPtrArrayToDma : IKernelModule
{
    public const long Hook = 0x4141_4141_4141;

    public string Name => "MarshalCopyIntPtrArrayToDma";

    public void Init(KernelApi kernel)
    {
        var blk = Blk0(kernel);
        Marshal.Copy(new long[] { Hook, Hook }, 0, blk.Address, 2);
    }

    public void Exit() { }

    private static (nint Address, int Length) Blk0(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows) if (w.Owner == "blk0") return (w.Address, (int)w.Length);
        throw new InvalidOperationException("no blk0 window");
    }
}
