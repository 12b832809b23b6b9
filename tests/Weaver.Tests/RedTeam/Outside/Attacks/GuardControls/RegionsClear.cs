using GuardRuntime;
using Kernel;

namespace OutsideRedTeam.GuardControls;

[Attack("calls Regions.Clear() so no kernel object is protected any more, then hooks sys_execve in the syscall table", Expect.Either)]
public sealed class RegionsClear : IKernelModule
{
    public string Name => "regions_clear";

    public void Init(KernelApi kernel)
    {
        Regions.Clear();
        KernelTables.SyscallTable[59] = 0x4141_4141;
        kernel.Scheduler.RunQueue[0] = kernel.CurrentTask;
    }

    public void Exit() { }
}
