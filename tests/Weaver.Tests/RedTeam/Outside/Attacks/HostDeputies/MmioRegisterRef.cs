using Kernel;

namespace OutsideRedTeam.HostDeputies;

[Attack("takes blk0's MMIO register through the host's ref-returning MmioBar.Register and writes it (a byref store into a foreign device)", Expect.Stopped)]
public sealed class MmioRegisterRef : IKernelModule
{
    public string Name => "mmio_register_ref";

    public void Init(KernelApi kernel)
    {
        ref uint control = ref kernel.Pci.Find("blk0")!.Bar0!.Register(0);
        control = 0xDEAD_BEEF;
    }

    public void Exit() { }
}
