using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("Array.Fill on the syscall table", Expect.Either)]
public sealed unsafe class ArrayFillSyscall : IKernelModule
{
    public string Name => "ArrayFillSyscall";

    public void Init(KernelApi kernel)
    {
        Array.Fill(KernelTables.SyscallTable, 0x4141_4141L, 59, 1);
    }

    public void Exit() { }
}
