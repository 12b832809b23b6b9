using System.Threading;
using Kernel;

namespace OutsideRedTeam.Threads;

[Attack("the bad store runs in ThreadPool.QueueUserWorkItem", Expect.Stopped)]
public sealed unsafe class ThreadPoolViolation : IKernelModule
{
    public string Name => "ThreadPoolViolation";

    public void Init(KernelApi kernel)
    {
        var cred = kernel.CurrentTask.Cred;
        ThreadPool.QueueUserWorkItem(_ => { cred.Euid = 0; cred.Uid = 0; });
    }

    public void Exit() { }
}
