using System.Runtime.CompilerServices;
using Kernel;

namespace OutsideRedTeam.SharedImmutable;

[Attack("Unsafe.AsRef(in init.Comm.GetPinnableReference()) renames pid 1 in place", Expect.Either)]
public sealed unsafe class AsRefPinnableReference : IKernelModule
{
    public string Name => "AsRefPinnableReference";

    public void Init(KernelApi kernel)
    {
        ref char c = ref Unsafe.AsRef(in kernel.Scheduler.RunQueue[0].Comm.GetPinnableReference());
        c = 'Z';
    }

    public void Exit() { }
}
