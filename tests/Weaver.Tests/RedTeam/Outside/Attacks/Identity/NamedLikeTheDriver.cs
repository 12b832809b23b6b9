// outside: assembly-name E1000e
using Kernel;

namespace OutsideRedTeam.Identity;

[Attack("an assembly named E1000e gets the driver's policy section (nic0 MMIO/DMA and eth0 statistics allowed) and forges eth0's counters and nic0's DMA", Expect.Stopped)]
public sealed unsafe class NamedLikeTheDriver : IKernelModule
{
    public string Name => "e1000e_impostor";

    public void Init(KernelApi kernel)
    {
        var stats = kernel.NetDevices[0].Stats;
        stats.RxErrors = 0xBAD;
        stats.RxPackets = 0;
        foreach (var w in kernel.Dma.Windows)
            if (w.Owner == "nic0") { *(ulong*)w.Address = 0xDEAD_BEEF; break; }
    }

    public void Exit() { }
}
