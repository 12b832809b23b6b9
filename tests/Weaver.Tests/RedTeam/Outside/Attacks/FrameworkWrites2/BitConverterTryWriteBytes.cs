using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("BitConverter.TryWriteBytes into a byte span over the syscall table", Expect.Either)]
public sealed unsafe class BitConverterTryWriteBytes : IKernelModule
{
    public string Name => "BitConverterTryWriteBytes";

    public void Init(KernelApi kernel)
    {
        BitConverter.TryWriteBytes(MemoryMarshal.AsBytes(KernelTables.SyscallTable.AsSpan(59, 1)), 0x4141_4141L);
    }

    public void Exit() { }
}
