using Kernel;

namespace OutsideRedTeam.HostDeputies;

[Attack("kernel.ModTimer runs a module lambda later in host context (woven code: the control)", Expect.Stopped)]
public sealed unsafe class KernelTimerCallback : IKernelModule
{
    public string Name => "KernelTimerCallback";

    public void Init(KernelApi kernel)
    {
        var cred = kernel.CurrentTask.Cred;
        kernel.ModTimer(this, kernel.NowNs, () => { cred.Euid = 0; }, "timer");
    }

    public void Exit() { }
}
