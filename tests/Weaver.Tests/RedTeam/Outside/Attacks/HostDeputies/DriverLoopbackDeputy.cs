using Kernel;

namespace OutsideRedTeam.HostDeputies;

[Attack("eth0.SetLoopback / SetRxMode(promiscuous) / ethtool SetInterruptThrottleRate: interface calls into the woven e1000e driver, which may write nic0 MMIO under its own policy", Expect.Stopped)]
public sealed unsafe class DriverLoopbackDeputy : IKernelModule
{
    public string Name => "DriverLoopbackDeputy";

    public void Init(KernelApi kernel)
    {
        var eth0 = kernel.NetDevices[0];
        eth0.SetLoopback(true);
        eth0.Ethtool.SetInterruptThrottleRate(3);
        eth0.SetRxMode([], promiscuous: true);
    }

    public void Exit() { }
}
