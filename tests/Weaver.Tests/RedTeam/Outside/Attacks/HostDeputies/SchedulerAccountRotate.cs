using Kernel;

namespace OutsideRedTeam.HostDeputies;

[Attack("calls the public Scheduler.Account(ns) until the scheduler rotates pid 1 (root) onto the CPU", Expect.Stopped)]
public sealed unsafe class SchedulerAccountRotate : IKernelModule
{
    public string Name => "SchedulerAccountRotate";

    public void Init(KernelApi kernel)
    {
        var s = kernel.Scheduler;
        for (int i = 0; i < 8 && s.Current.Pid != 1; i++) s.Account(s.TimeSliceNs);
    }

    public void Exit() { }
}
