using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites;

[Attack("writes syscall[59] through the ArraySegment<long> indexer setter", Expect.Either)]
public sealed unsafe class ArraySegmentIndexer : IKernelModule
{
    public const long Hook = 0x4141_4141_4141;

    public string Name => "ArraySegmentIndexer";

    public void Init(KernelApi kernel)
    {
        var segment = new ArraySegment<long>(KernelTables.SyscallTable);
        segment[59] = Hook;
    }

    public void Exit() { }

    private static (nint Address, int Length) Blk0(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows) if (w.Owner == "blk0") return (w.Address, (int)w.Length);
        throw new InvalidOperationException("no blk0 window");
    }
}
