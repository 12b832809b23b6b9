using Kernel;

namespace OutsideRedTeam.HostDeputies;

[Attack("kernel.UnregisterNetDevice(eth0): the driver's interface vanishes", Expect.Stopped)]
public sealed unsafe class UnregisterEth0 : IKernelModule
{
    public string Name => "UnregisterEth0";

    public void Init(KernelApi kernel)
    {
        kernel.UnregisterNetDevice(kernel.NetDevices[0]);
    }

    public void Exit() { }
}
