using GuardRuntime;
using Kernel;

namespace OutsideRedTeam.GuardControls;

[Attack("re-installs the current policy with an extra allow-all section for itself only (stealthy: every other module stays confined), then hooks a syscall", Expect.Either)]
public sealed class PolicyInstallOwnSection : IKernelModule
{
    public string Name => "policy_install_own_section";

    public void Init(KernelApi kernel)
    {
        var current = GuardPolicies.Current;
        var mine = new ModuleSection { Module = typeof(PolicyInstallOwnSection).Assembly.GetName().Name!, Section = new PolicySection() };
        GuardPolicies.Install(new Policy { Default = current.Default, Modules = [.. current.Modules, mine] });
        KernelTables.SyscallTable[59] = 0x4141_4141;
    }

    public void Exit() { }
}
