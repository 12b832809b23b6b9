using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("Buffer.MemoryCopy into the pinned syscall table", Expect.Either)]
public sealed unsafe class BufferMemoryCopySyscall : IKernelModule
{
    public string Name => "BufferMemoryCopySyscall";

    public void Init(KernelApi kernel)
    {
        long v = 0x4141_4141; fixed (long* p = KernelTables.SyscallTable) Buffer.MemoryCopy(&v, p + 59, 8, 8);
    }

    public void Exit() { }
}
