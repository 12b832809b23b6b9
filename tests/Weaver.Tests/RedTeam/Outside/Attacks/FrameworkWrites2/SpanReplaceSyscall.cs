using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("MemoryExtensions.Replace in place over the syscall table", Expect.Either)]
public sealed unsafe class SpanReplaceSyscall : IKernelModule
{
    public string Name => "SpanReplaceSyscall";

    public void Init(KernelApi kernel)
    {
        var t = KernelTables.SyscallTable; t.AsSpan().Replace(t[59], 0x4141_4141L);
    }

    public void Exit() { }
}
