using Kernel;

namespace OutsideRedTeam.HostDeputies;

[Attack("calls kernel.Scheduler.SwitchTo(init): the host makes pid 1 (root, all capabilities) the current task for the module", Expect.Stopped)]
public sealed class SchedulerSwitchToInit : IKernelModule
{
    public string Name => "scheduler_switch_to_init";

    public void Init(KernelApi kernel) => kernel.Scheduler.SwitchTo(kernel.Scheduler.RunQueue[0]);

    public void Exit() { }
}
