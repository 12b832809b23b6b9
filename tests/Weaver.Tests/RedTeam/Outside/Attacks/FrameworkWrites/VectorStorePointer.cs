using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites;

[Attack("Vector128.Store(value, long*) to the pinned syscall table (a pointer argument of an unlisted API)", Expect.Either)]
public sealed unsafe class VectorStorePointer : IKernelModule
{
    public const long Hook = 0x4141_4141_4141;

    public string Name => "VectorStorePointer";

    public void Init(KernelApi kernel)
    {
        fixed (long* p = KernelTables.SyscallTable)
            System.Runtime.Intrinsics.Vector128.Store(System.Runtime.Intrinsics.Vector128.Create(Hook, Hook), p + 58);
    }

    public void Exit() { }

    private static (nint Address, int Length) Blk0(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows) if (w.Owner == "blk0") return (w.Address, (int)w.Length);
        throw new InvalidOperationException("no blk0 window");
    }
}
