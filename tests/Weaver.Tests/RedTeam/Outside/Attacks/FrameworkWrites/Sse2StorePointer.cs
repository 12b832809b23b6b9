using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites;

[Attack("Sse2.Store(long*, Vector128<long>) into the pinned syscall table (hardware intrinsic store)", Expect.Either)]
public sealed unsafe class Sse2StorePointer : IKernelModule
{
    public const long Hook = 0x4141_4141_4141;

    public string Name => "Sse2StorePointer";

    public void Init(KernelApi kernel)
    {
        fixed (long* p = KernelTables.SyscallTable)
        {
            if (System.Runtime.Intrinsics.X86.Sse2.IsSupported) System.Runtime.Intrinsics.X86.Sse2.Store(p + 58, System.Runtime.Intrinsics.Vector128.Create(Hook, Hook));
            else System.Runtime.Intrinsics.Vector128.Store(System.Runtime.Intrinsics.Vector128.Create(Hook, Hook), p + 58);
        }
    }

    public void Exit() { }

    private static (nint Address, int Length) Blk0(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows) if (w.Owner == "blk0") return (w.Address, (int)w.Length);
        throw new InvalidOperationException("no blk0 window");
    }
}
