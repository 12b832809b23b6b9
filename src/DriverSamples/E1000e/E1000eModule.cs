using Kernel;
using Kernel.Hardware;
using Kernel.Pci;

namespace E1000e;

/// <summary>
/// The module entry points (e1000e_init_module / e1000e_exit_module): read the module parameters, bind to every
/// matching Intel function on the PCI bus and probe it. A probe failure is logged and the function released, as
/// pci_register_driver would; the module itself stays loaded.
/// </summary>
public sealed class E1000eModule : IKernelModule
{
    private KernelApi? kernel;

    /// <inheritdoc/>
    public string Name => "e1000e";

    /// <summary>The validated module parameters.</summary>
    public E1000eParams? Params;

    /// <summary>The adapters that probed successfully.</summary>
    public readonly List<E1000Adapter> Adapters = [];

    /// <summary>Probe failures, for diagnostics.</summary>
    public readonly List<string> ProbeErrors = [];

    /// <inheritdoc/>
    public void Init(KernelApi kernelApi)
    {
        kernel = kernelApi;
        kernelApi.Printk(LogLevel.Info, "e1000e", $"Intel(R) PRO/1000 Network Driver {E1000Adapter.DriverVersion}");
        Params = E1000eParams.FromKernel(kernelApi);
        foreach (var pdev in kernelApi.Pci.Match(E1000Registers.IntelVendorId, MacVariant.PciTable).ToList())
            Probe(pdev);
    }

    /// <inheritdoc/>
    public void Exit()
    {
        if (kernel is null) return;
        for (int i = Adapters.Count - 1; i >= 0; i--)
        {
            Adapters[i].Remove();
            kernel.Pci.Release(Adapters[i].Pdev);
        }
        Adapters.Clear();
    }

    private void Probe(PciDevice pdev)
    {
        if (!kernel!.Pci.Claim(pdev)) return;
        pdev.WriteConfig16(PciDevice.CommandOffset, PciDevice.CommandMemory | PciDevice.CommandBusMaster);
        var adapter = new E1000Adapter(pdev, kernel, Params!);
        try
        {
            adapter.Probe();
            Adapters.Add(adapter);
        }
        catch (E1000Exception e)
        {
            ProbeErrors.Add($"{pdev.Name}: {e.Message}");
            kernel.Printk(LogLevel.Error, "e1000e", $"{pdev.Name}: probe failed: {e.Message}");
            kernel.Pci.Release(pdev);
        }
    }
}
