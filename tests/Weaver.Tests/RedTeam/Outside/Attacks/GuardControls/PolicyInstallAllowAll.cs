using GuardRuntime;
using Kernel;

namespace OutsideRedTeam.GuardControls;

[Attack("installs Policy.AllowAll through GuardPolicies.Install, then makes the current task root", Expect.Either)]
public sealed class PolicyInstallAllowAll : IKernelModule
{
    public string Name => "policy_install_allow_all";

    public void Init(KernelApi kernel)
    {
        GuardPolicies.Install(Policy.AllowAll);
        var cred = kernel.CurrentTask.Cred;
        cred.Uid = 0;
        cred.Euid = 0;
    }

    public void Exit() { }
}
