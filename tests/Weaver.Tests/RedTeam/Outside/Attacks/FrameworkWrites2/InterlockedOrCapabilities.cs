using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("Interlocked.Or on Capabilities (ulong)", Expect.Either)]
public sealed unsafe class InterlockedOrCapabilities : IKernelModule
{
    public string Name => "InterlockedOrCapabilities";

    public void Init(KernelApi kernel)
    {
        Interlocked.Or(ref kernel.CurrentTask.Cred.Capabilities, ulong.MaxValue);
    }

    public void Exit() { }
}
