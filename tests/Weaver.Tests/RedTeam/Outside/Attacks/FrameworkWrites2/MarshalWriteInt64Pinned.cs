using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("Marshal.WriteInt64 at the pinned syscall table address", Expect.Either)]
public sealed unsafe class MarshalWriteInt64Pinned : IKernelModule
{
    public string Name => "MarshalWriteInt64Pinned";

    public void Init(KernelApi kernel)
    {
        fixed (long* p = KernelTables.SyscallTable) Marshal.WriteInt64((nint)(p + 59), 0x4141_4141L);
    }

    public void Exit() { }
}
