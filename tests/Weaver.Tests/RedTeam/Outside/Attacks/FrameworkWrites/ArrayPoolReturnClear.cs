using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites;

[Attack("hands the syscall table to ArrayPool<long>.Shared.Return(table, clearArray: true): the pool zeroes it (and will lend it out)", Expect.Either)]
public sealed unsafe class ArrayPoolReturnClear : IKernelModule
{
    public const long Hook = 0x4141_4141_4141;

    public string Name => "ArrayPoolReturnClear";

    public void Init(KernelApi kernel)
    {
        System.Buffers.ArrayPool<long>.Shared.Return(KernelTables.SyscallTable, clearArray: true);
    }

    public void Exit() { }

    private static (nint Address, int Length) Blk0(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows) if (w.Owner == "blk0") return (w.Address, (int)w.Length);
        throw new InvalidOperationException("no blk0 window");
    }
}
