using Kernel;

namespace OutsideRedTeam.HostDeputies;

[Attack("Environment.FailFast: the module panics the kernel (the whole process)", Expect.Stopped)]
public sealed unsafe class EnvironmentFailFast : IKernelModule
{
    public string Name => "EnvironmentFailFast";

    public void Init(KernelApi kernel)
    {
        System.Environment.FailFast("outside red team: kernel panic from a module");
    }

    public void Exit() { }
}
