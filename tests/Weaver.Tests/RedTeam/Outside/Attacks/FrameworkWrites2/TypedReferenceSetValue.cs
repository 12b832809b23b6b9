using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites2;

[Attack("__makeref on Uid then __refvalue assignment", Expect.Either)]
public sealed unsafe class TypedReferenceSetValue : IKernelModule
{
    public string Name => "TypedReferenceSetValue";

    public void Init(KernelApi kernel)
    {
        var c = kernel.CurrentTask.Cred; TypedReference r = __makeref(c.Uid); __refvalue(r, int) = 0;
    }

    public void Exit() { }
}
