using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites;

[Attack("MemoryExtensions.Sort(keys, items) over spans: the syscall table as the items span is reordered", Expect.Either)]
public sealed unsafe class SpanSortItems : IKernelModule
{
    public const long Hook = 0x4141_4141_4141;

    public string Name => "SpanSortItems";

    public void Init(KernelApi kernel)
    {
        var keys = new int[KernelTables.SyscallTable.Length];
        for (int i = 0; i < keys.Length; i++) keys[i] = -i;
        MemoryExtensions.Sort(keys.AsSpan(), KernelTables.SyscallTable.AsSpan());
    }

    public void Exit() { }

    private static (nint Address, int Length) Blk0(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows) if (w.Owner == "blk0") return (w.Address, (int)w.Length);
        throw new InvalidOperationException("no blk0 window");
    }
}
