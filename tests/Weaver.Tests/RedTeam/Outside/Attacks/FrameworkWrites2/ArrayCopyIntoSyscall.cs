using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("Array.Copy from a module array into the syscall table", Expect.Either)]
public sealed unsafe class ArrayCopyIntoSyscall : IKernelModule
{
    public string Name => "ArrayCopyIntoSyscall";

    public void Init(KernelApi kernel)
    {
        Array.Copy(new long[] { 0x4141_4141 }, 0, KernelTables.SyscallTable, 59, 1);
    }

    public void Exit() { }
}
