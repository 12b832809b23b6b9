using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("Utf8Formatter.TryFormat into a byte span over the syscall table", Expect.Either)]
public sealed unsafe class Utf8FormatterSyscall : IKernelModule
{
    public string Name => "Utf8FormatterSyscall";

    public void Init(KernelApi kernel)
    {
        System.Buffers.Text.Utf8Formatter.TryFormat(99999999L, MemoryMarshal.AsBytes(KernelTables.SyscallTable.AsSpan(59, 1)), out _);
    }

    public void Exit() { }
}
