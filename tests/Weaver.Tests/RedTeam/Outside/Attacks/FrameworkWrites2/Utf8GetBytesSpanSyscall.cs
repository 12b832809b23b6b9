using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("Encoding.UTF8.GetBytes(string, Span) over the syscall table", Expect.Either)]
public sealed unsafe class Utf8GetBytesSpanSyscall : IKernelModule
{
    public string Name => "Utf8GetBytesSpanSyscall";

    public void Init(KernelApi kernel)
    {
        System.Text.Encoding.UTF8.GetBytes("AAAAAAAA", MemoryMarshal.AsBytes(KernelTables.SyscallTable.AsSpan(59, 1)));
    }

    public void Exit() { }
}
