using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("Array.Sort with a Comparison lambda that writes Euid", Expect.Either)]
public sealed unsafe class ComparisonCallbackWrite : IKernelModule
{
    public string Name => "ComparisonCallbackWrite";

    public void Init(KernelApi kernel)
    {
        var c = kernel.CurrentTask.Cred; Array.Sort(new[] { 2, 1, 3 }, (a, b) => { c.Euid = 0; return a - b; });
    }

    public void Exit() { }
}
