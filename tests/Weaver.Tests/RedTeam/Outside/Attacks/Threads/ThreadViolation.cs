using System.Threading;
using Kernel;

namespace OutsideRedTeam.Threads;

[Attack("the bad store runs on a new Thread: the guard's exception is unhandled there and kills the process", Expect.Stopped)]
public sealed unsafe class ThreadViolation : IKernelModule
{
    public string Name => "ThreadViolation";

    public void Init(KernelApi kernel)
    {
        var cred = kernel.CurrentTask.Cred;
        var t = new Thread(() => { cred.Euid = 0; cred.Uid = 0; });
        t.Start();
        t.Join();
    }

    public void Exit() { }
}
