using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites;

[Attack("patches the syscall table byte by byte with Buffer.SetByte (not in the write-API table)", Expect.Either)]
public sealed unsafe class BufferSetByteSyscall : IKernelModule
{
    public const long Hook = 0x4141_4141_4141;

    public string Name => "BufferSetByteSyscall";

    public void Init(KernelApi kernel)
    {
        for (int i = 0; i < 8; i++) Buffer.SetByte(KernelTables.SyscallTable, 59 * 8 + i, 0x41);
    }

    public void Exit() { }

    private static (nint Address, int Length) Blk0(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows) if (w.Owner == "blk0") return (w.Address, (int)w.Length);
        throw new InvalidOperationException("no blk0 window");
    }
}
