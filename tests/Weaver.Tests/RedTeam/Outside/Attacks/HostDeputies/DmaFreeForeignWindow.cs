using Kernel;

namespace OutsideRedTeam.HostDeputies;

[Attack("kernel.Dma.Free(blk0's window): frees another device's DMA memory", Expect.Stopped)]
public sealed unsafe class DmaFreeForeignWindow : IKernelModule
{
    public string Name => "DmaFreeForeignWindow";

    public void Init(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows)
            if (w.Owner == "blk0") { kernel.Dma.Free(w); break; }
    }

    public void Exit() { }
}
