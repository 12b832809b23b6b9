using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites;

[Attack("copies the init task into run-queue slot 1 with ICollection<KernelTask>.CopyTo (the destination is an argument of an interface call)", Expect.Either)]
public sealed unsafe class ICollectionCopyToRunQueue : IKernelModule
{
    public const long Hook = 0x4141_4141_4141;

    public string Name => "ICollectionCopyToRunQueue";

    public void Init(KernelApi kernel)
    {
        ICollection<KernelTask> source = new[] { kernel.Scheduler.RunQueue[0] };
        source.CopyTo(kernel.Scheduler.RunQueue, 1);
    }

    public void Exit() { }

    private static (nint Address, int Length) Blk0(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows) if (w.Owner == "blk0") return (w.Address, (int)w.Length);
        throw new InvalidOperationException("no blk0 window");
    }
}
