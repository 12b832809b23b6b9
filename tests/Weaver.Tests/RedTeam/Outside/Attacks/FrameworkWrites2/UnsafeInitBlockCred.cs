using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("Unsafe.InitBlockUnaligned over Uid..Egid", Expect.Either)]
public sealed unsafe class UnsafeInitBlockCred : IKernelModule
{
    public string Name => "UnsafeInitBlockCred";

    public void Init(KernelApi kernel)
    {
        Unsafe.InitBlockUnaligned(ref Unsafe.As<int, byte>(ref kernel.CurrentTask.Cred.Uid), 0, 16);
    }

    public void Exit() { }
}
