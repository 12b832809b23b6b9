using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("Unsafe.CopyBlockUnaligned into the syscall table", Expect.Either)]
public sealed unsafe class UnsafeCopyBlockSyscall : IKernelModule
{
    public string Name => "UnsafeCopyBlockSyscall";

    public void Init(KernelApi kernel)
    {
        long v = 0x4141_4141; Unsafe.CopyBlockUnaligned(ref Unsafe.As<long, byte>(ref KernelTables.SyscallTable[59]), ref Unsafe.As<long, byte>(ref v), 8);
    }

    public void Exit() { }
}
