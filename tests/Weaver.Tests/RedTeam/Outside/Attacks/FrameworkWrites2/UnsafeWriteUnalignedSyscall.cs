using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("Unsafe.WriteUnaligned through a ref into the syscall table", Expect.Either)]
public sealed unsafe class UnsafeWriteUnalignedSyscall : IKernelModule
{
    public string Name => "UnsafeWriteUnalignedSyscall";

    public void Init(KernelApi kernel)
    {
        Unsafe.WriteUnaligned(ref Unsafe.As<long, byte>(ref KernelTables.SyscallTable[59]), 0x4141_4141L);
    }

    public void Exit() { }
}
