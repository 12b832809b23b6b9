using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("BinaryPrimitives.WriteInt64LittleEndian over the syscall table", Expect.Either)]
public sealed unsafe class BinaryPrimitivesWriteSyscall : IKernelModule
{
    public string Name => "BinaryPrimitivesWriteSyscall";

    public void Init(KernelApi kernel)
    {
        BinaryPrimitives.WriteInt64LittleEndian(MemoryMarshal.AsBytes(KernelTables.SyscallTable.AsSpan(59, 1)), 0x4141_4141L);
    }

    public void Exit() { }
}
