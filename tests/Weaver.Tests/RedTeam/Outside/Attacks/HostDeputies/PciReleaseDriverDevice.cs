using Kernel;

namespace OutsideRedTeam.HostDeputies;

[Attack("kernel.Pci.Release(nic0): un-claims the driver's device", Expect.Stopped)]
public sealed unsafe class PciReleaseDriverDevice : IKernelModule
{
    public string Name => "PciReleaseDriverDevice";

    public void Init(KernelApi kernel)
    {
        kernel.Pci.Release(kernel.Pci.Find("nic0")!);
    }

    public void Exit() { }
}
