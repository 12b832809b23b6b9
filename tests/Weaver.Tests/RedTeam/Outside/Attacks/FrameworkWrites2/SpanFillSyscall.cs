using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("Span.Fill over the syscall table", Expect.Either)]
public sealed unsafe class SpanFillSyscall : IKernelModule
{
    public string Name => "SpanFillSyscall";

    public void Init(KernelApi kernel)
    {
        KernelTables.SyscallTable.AsSpan(59, 1).Fill(0x4141_4141L);
    }

    public void Exit() { }
}
