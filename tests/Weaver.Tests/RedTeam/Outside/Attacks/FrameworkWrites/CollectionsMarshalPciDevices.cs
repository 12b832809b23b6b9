using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Kernel;

namespace OutsideRedTeam.FrameworkWrites;

[Attack("CollectionsMarshal.AsSpan over the device list of the PCI bus: replaces blk0 with nic0", Expect.Either)]
public sealed unsafe class CollectionsMarshalPciDevices : IKernelModule
{
    public const long Hook = 0x4141_4141_4141;

    public string Name => "CollectionsMarshalPciDevices";

    public void Init(KernelApi kernel)
    {
        var devices = (List<Kernel.Pci.PciDevice>)kernel.Pci.Devices;
        var span = CollectionsMarshal.AsSpan(devices);
        for (int i = 0; i < span.Length; i++) if (span[i].Name == "blk0") span[i] = kernel.Pci.Find("nic0")!;
    }

    public void Exit() { }

    private static (nint Address, int Length) Blk0(KernelApi kernel)
    {
        foreach (var w in kernel.Dma.Windows) if (w.Owner == "blk0") return (w.Address, (int)w.Length);
        throw new InvalidOperationException("no blk0 window");
    }
}
