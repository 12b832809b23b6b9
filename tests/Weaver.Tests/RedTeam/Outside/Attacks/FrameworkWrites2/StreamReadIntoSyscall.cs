using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("MemoryStream.Read into a span over the syscall table", Expect.Either)]
public sealed unsafe class StreamReadIntoSyscall : IKernelModule
{
    public string Name => "StreamReadIntoSyscall";

    public void Init(KernelApi kernel)
    {
        new System.IO.MemoryStream(new byte[8] { 0x41, 0x41, 0x41, 0x41, 0, 0, 0, 0 }).Read(MemoryMarshal.AsBytes(KernelTables.SyscallTable.AsSpan(59, 1)));
    }

    public void Exit() { }
}
