using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("ref local swapped between a stackalloc slot and Euid", Expect.Either)]
public sealed unsafe class StackallocAliasCred : IKernelModule
{
    public string Name => "StackallocAliasCred";

    public void Init(KernelApi kernel)
    {
        Span<int> s = stackalloc int[1]; ref int r = ref s[0]; r = ref kernel.CurrentTask.Cred.Euid; r = 0;
    }

    public void Exit() { }
}
