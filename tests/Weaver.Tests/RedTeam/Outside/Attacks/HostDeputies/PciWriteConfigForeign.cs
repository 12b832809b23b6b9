using Kernel;

namespace OutsideRedTeam.HostDeputies;

[Attack("blk0.WriteConfig16(Command, Memory|BusMaster): turns on bus mastering and memory decoding of another device (blk0) through the host", Expect.Stopped)]
public sealed unsafe class PciWriteConfigForeign : IKernelModule
{
    public string Name => "PciWriteConfigForeign";

    public void Init(KernelApi kernel)
    {
        kernel.Pci.Find("blk0")!.WriteConfig16(Kernel.Pci.PciDevice.CommandOffset, Kernel.Pci.PciDevice.CommandMemory | Kernel.Pci.PciDevice.CommandBusMaster);
    }

    public void Exit() { }
}
