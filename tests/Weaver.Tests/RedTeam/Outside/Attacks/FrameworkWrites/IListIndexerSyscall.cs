using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites;

[Attack("writes syscall[59] through the array's IList<long> indexer (an interface call into the framework, not a stelem)", Expect.Either)]
public sealed unsafe class IListIndexerSyscall : IKernelModule
{
    public const long Hook = 0x4141_4141_4141;

    public string Name => "IListIndexerSyscall";

    public void Init(KernelApi kernel)
    {
        IList<long> table = KernelTables.SyscallTable;
        table[59] = Hook;
    }

    public void Exit() { }

    private static (nint Address, int Length) Blk0(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows) if (w.Owner == "blk0") return (w.Address, (int)w.Length);
        throw new InvalidOperationException("no blk0 window");
    }
}
