using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("Volatile.Write on Euid", Expect.Either)]
public sealed unsafe class VolatileWriteEuid : IKernelModule
{
    public string Name => "VolatileWriteEuid";

    public void Init(KernelApi kernel)
    {
        Volatile.Write(ref kernel.CurrentTask.Cred.Euid, 0);
    }

    public void Exit() { }
}
