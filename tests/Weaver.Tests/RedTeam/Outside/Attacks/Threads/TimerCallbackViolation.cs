using System.Threading;
using Kernel;

namespace OutsideRedTeam.Threads;

[Attack("the bad store runs in a System.Threading.Timer callback", Expect.Stopped)]
public sealed unsafe class TimerCallbackViolation : IKernelModule
{
    public string Name => "TimerCallbackViolation";

    public void Init(KernelApi kernel)
    {
        var cred = kernel.CurrentTask.Cred;
        keep = new Timer(_ => { cred.Euid = 0; cred.Uid = 0; }, null, 10, Timeout.Infinite);
    }

    public void Exit() { }

    private static Timer keep;
}
