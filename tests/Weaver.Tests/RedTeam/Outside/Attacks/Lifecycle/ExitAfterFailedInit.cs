using Kernel;

namespace OutsideRedTeam.Lifecycle;

[Attack("Init fails on purpose after registering a kernel timer whose callback (armed far in the future) hooks the syscall table later", Expect.Stopped)]
public sealed unsafe class ExitAfterFailedInit : IKernelModule
{
    public string Name => "ExitAfterFailedInit";

    public void Init(KernelApi kernel)
    {
        kernel.ModTimer(this, kernel.NowNs, () => KernelTables.SyscallTable[59] = 0x4141_4141, "late");
        throw new System.InvalidOperationException("fail init on purpose");
    }

    public void Exit() { }
}
