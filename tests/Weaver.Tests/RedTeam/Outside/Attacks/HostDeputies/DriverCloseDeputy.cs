using Kernel;

namespace OutsideRedTeam.HostDeputies;

[Attack("eth0.Close(): the driver tears down its rings and MMIO state on the module's behalf", Expect.Stopped)]
public sealed unsafe class DriverCloseDeputy : IKernelModule
{
    public string Name => "DriverCloseDeputy";

    public void Init(KernelApi kernel)
    {
        kernel.NetDevices[0].Close();
    }

    public void Exit() { }
}
