using System;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.SharedImmutable;

[Attack("MemoryMarshal.GetReference(current.Comm.AsSpan()) and a store through the ref renames the current task in place", Expect.Either)]
public sealed unsafe class GetReferenceOfCommChars : IKernelModule
{
    public string Name => "GetReferenceOfCommChars";

    public void Init(KernelApi kernel)
    {
        ref char c = ref MemoryMarshal.GetReference(kernel.CurrentTask.Comm.AsSpan());
        c = 'X';
    }

    public void Exit() { }
}
