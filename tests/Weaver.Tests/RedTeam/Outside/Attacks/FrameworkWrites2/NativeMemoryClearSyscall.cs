using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("NativeMemory.Clear over the pinned syscall table", Expect.Either)]
public sealed unsafe class NativeMemoryClearSyscall : IKernelModule
{
    public string Name => "NativeMemoryClearSyscall";

    public void Init(KernelApi kernel)
    {
        fixed (long* p = KernelTables.SyscallTable) NativeMemory.Clear(p + 59, 8);
    }

    public void Exit() { }
}
