using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites;

[Attack("writes syscall[59] through the non-generic IList indexer of the array (boxed value)", Expect.Either)]
public sealed unsafe class NonGenericIListSyscall : IKernelModule
{
    public const long Hook = 0x4141_4141_4141;

    public string Name => "NonGenericIListSyscall";

    public void Init(KernelApi kernel)
    {
        IList table = KernelTables.SyscallTable;
        table[59] = (object)Hook;
    }

    public void Exit() { }

    private static (nint Address, int Length) Blk0(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows) if (w.Owner == "blk0") return (w.Address, (int)w.Length);
        throw new InvalidOperationException("no blk0 window");
    }
}
