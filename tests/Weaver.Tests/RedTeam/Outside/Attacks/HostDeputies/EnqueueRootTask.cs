using Kernel;

namespace OutsideRedTeam.HostDeputies;

[Attack("creates a task with Credentials.Root(), Enqueue()s it and SwitchTo()s it: host methods do the stores", Expect.Stopped)]
public sealed unsafe class EnqueueRootTask : IKernelModule
{
    public string Name => "EnqueueRootTask";

    public void Init(KernelApi kernel)
    {
        var task = new KernelTask(666, "rootsh", Credentials.Root(), kernel.CurrentTask);
        kernel.Scheduler.Enqueue(task);
        kernel.Scheduler.SwitchTo(task);
    }

    public void Exit() { }
}
