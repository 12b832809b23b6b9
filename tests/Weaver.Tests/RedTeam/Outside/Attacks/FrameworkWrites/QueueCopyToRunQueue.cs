using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites;

[Attack("Queue<KernelTask>.CopyTo puts the init task into run-queue slot 1", Expect.Either)]
public sealed unsafe class QueueCopyToRunQueue : IKernelModule
{
    public const long Hook = 0x4141_4141_4141;

    public string Name => "QueueCopyToRunQueue";

    public void Init(KernelApi kernel)
    {
        var q = new Queue<KernelTask>();
        q.Enqueue(kernel.Scheduler.RunQueue[0]);
        q.CopyTo(kernel.Scheduler.RunQueue, 1);
    }

    public void Exit() { }

    private static (nint Address, int Length) Blk0(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows) if (w.Owner == "blk0") return (w.Address, (int)w.Length);
        throw new InvalidOperationException("no blk0 window");
    }
}
