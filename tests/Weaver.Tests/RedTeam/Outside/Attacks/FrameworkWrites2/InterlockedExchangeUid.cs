using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("Interlocked.Exchange on the current task's Uid field", Expect.Either)]
public sealed unsafe class InterlockedExchangeUid : IKernelModule
{
    public string Name => "InterlockedExchangeUid";

    public void Init(KernelApi kernel)
    {
        Interlocked.Exchange(ref kernel.CurrentTask.Cred.Uid, 0);
    }

    public void Exit() { }
}
