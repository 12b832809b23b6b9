using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites;

[Attack("HashSet<long>.CopyTo(array, index) with the syscall table as destination", Expect.Either)]
public sealed unsafe class HashSetCopyTo : IKernelModule
{
    public const long Hook = 0x4141_4141_4141;

    public string Name => "HashSetCopyTo";

    public void Init(KernelApi kernel)
    {
        new HashSet<long> { Hook }.CopyTo(KernelTables.SyscallTable, 59);
    }

    public void Exit() { }

    private static (nint Address, int Length) Blk0(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows) if (w.Owner == "blk0") return (w.Address, (int)w.Length);
        throw new InvalidOperationException("no blk0 window");
    }
}
