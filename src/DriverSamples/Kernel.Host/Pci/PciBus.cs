using GuardRuntime;
namespace Kernel.Pci;

/// <summary>The PCI bus: the functions present, found by id or name (<c>pci_get_device</c>).</summary>
public sealed class PciBus
{
    private readonly List<PciDevice> devices = [];

    /// <summary>All functions.</summary>
    [ModuleExport]
    public IReadOnlyList<PciDevice> Devices => devices.AsReadOnly();

    /// <summary>Adds a function (hot plug at boot).</summary>
    public void Add(PciDevice device) => devices.Add(device);

    /// <summary>The function named <paramref name="name"/>, or null.</summary>
    [ModuleExport]
    public PciDevice? Find(string name) => devices.Find(d => d.Name == name);

    /// <summary>Unclaimed functions matching a vendor id and one of <paramref name="deviceIds"/>.</summary>
    [ModuleExport]
    public IEnumerable<PciDevice> Match(ushort vendorId, IReadOnlyCollection<ushort> deviceIds)
    {
        foreach (var d in devices)
            if (!d.Claimed && d.VendorId == vendorId && deviceIds.Contains(d.DeviceId)) yield return d;
    }

    /// <summary>Marks a function as driven (<c>pci_request_regions</c>); false if someone else has it.</summary>
    [ModuleExport]
    public bool Claim(PciDevice device)
    {
        if (device.Claimed) return false;
        device.Claimed = true;
        device.ClaimedBy = CallingModules.Innermost();
        return true;
    }

    /// <summary>Releases a function; only the module that claimed it (or the kernel) may.</summary>
    /// <exception cref="UnauthorizedAccessException">Another module claimed the function.</exception>
    [ModuleExport]
    public void Release(PciDevice device)
    {
        CallingModules.RequireOwner(device.ClaimedBy, $"release PCI function {device.Name}");
        device.Claimed = false;
        device.ClaimedBy = null;
    }
}
