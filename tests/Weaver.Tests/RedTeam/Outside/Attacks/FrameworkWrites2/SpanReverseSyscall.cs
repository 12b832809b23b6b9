using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("MemoryExtensions.Reverse over the syscall table", Expect.Either)]
public sealed unsafe class SpanReverseSyscall : IKernelModule
{
    public string Name => "SpanReverseSyscall";

    public void Init(KernelApi kernel)
    {
        KernelTables.SyscallTable.AsSpan().Reverse();
    }

    public void Exit() { }
}
