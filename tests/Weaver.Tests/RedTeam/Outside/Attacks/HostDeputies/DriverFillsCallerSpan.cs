using System;
using Kernel;

namespace OutsideRedTeam.HostDeputies;

[Attack("eth0.Ethtool.GetStatsValues(span over nic0 DMA): the driver, allowed nic0-dma, writes statistics into memory the module chose", Expect.Stopped)]
public sealed unsafe class DriverFillsCallerSpan : IKernelModule
{
    public string Name => "DriverFillsCallerSpan";

    public void Init(KernelApi kernel)
    {
        var ethtool = kernel.NetDevices[0].Ethtool;
        int count = ethtool.GetStatsStrings().Count;
        foreach (var w in kernel.Dma.Windows)
            if (w.Owner == "nic0" && (int)w.Length >= count * 8)
            {
                ethtool.GetStatsValues(new Span<ulong>((void*)w.Address, count));
                break;
            }
    }

    public void Exit() { }
}
