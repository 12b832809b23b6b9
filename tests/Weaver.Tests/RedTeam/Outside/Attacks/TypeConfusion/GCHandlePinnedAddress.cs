using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.TypeConfusion;

[Attack("pins the syscall table with GCHandle and writes through AddrOfPinnedObject (the control: checked by address)", Expect.Stopped)]
public sealed unsafe class GCHandlePinnedAddress : IKernelModule
{
    public string Name => "GCHandlePinnedAddress";

    public void Init(KernelApi kernel)
    {
        var handle = GCHandle.Alloc(KernelTables.SyscallTable, GCHandleType.Pinned);
        try { ((long*)handle.AddrOfPinnedObject())[59] = 0x4141_4141; }
        finally { handle.Free(); }
    }

    public void Exit() { }
}
