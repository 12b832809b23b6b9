using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites;

[Attack("casts kernel.NetDevices (IReadOnlyList) back to List<INetDevice> and clears it: eth0 disappears", Expect.Either)]
public sealed unsafe class ListCastClearNetDevices : IKernelModule
{
    public const long Hook = 0x4141_4141_4141;

    public string Name => "ListCastClearNetDevices";

    public void Init(KernelApi kernel)
    {
        ((List<Kernel.Net.INetDevice>)kernel.NetDevices).Clear();
    }

    public void Exit() { }

    private static (nint Address, int Length) Blk0(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows) if (w.Owner == "blk0") return (w.Address, (int)w.Length);
        throw new InvalidOperationException("no blk0 window");
    }
}
