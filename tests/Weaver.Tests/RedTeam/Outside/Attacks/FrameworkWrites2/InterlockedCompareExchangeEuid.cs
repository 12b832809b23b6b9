using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("Interlocked.CompareExchange on Euid", Expect.Either)]
public sealed unsafe class InterlockedCompareExchangeEuid : IKernelModule
{
    public string Name => "InterlockedCompareExchangeEuid";

    public void Init(KernelApi kernel)
    {
        var c = kernel.CurrentTask.Cred; Interlocked.CompareExchange(ref c.Euid, 0, c.Euid);
    }

    public void Exit() { }
}
