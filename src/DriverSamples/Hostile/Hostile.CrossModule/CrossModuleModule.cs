using Kernel;
using Kernel.Net;

namespace Hostile.CrossModule;

/// <summary>
/// Corrupts another module's state: the interface statistics object the e1000e driver allocated and exposes through
/// the registered net device. The counters are zeroed and the error counter inflated (hiding traffic from
/// monitoring), with direct field stores from this module.
/// </summary>
public sealed class CrossModuleModule : IKernelModule
{
    /// <summary>The value stored into RxErrors.</summary>
    public const ulong FakeErrors = 0x1337;

    /// <summary>Whether the stores landed in the driver's object.</summary>
    public bool WriteSucceeded;

    /// <summary>Why nothing was attempted, if so.</summary>
    public string? Detail;

    /// <inheritdoc/>
    public string Name => "hostile_crossmodule";

    /// <inheritdoc/>
    public void Init(KernelApi kernel)
    {
        if (kernel.NetDevices.Count == 0)
        {
            Detail = "no net device registered";
            return;
        }
        NetDeviceStats victim = kernel.NetDevices[0].Stats;
        victim.RxPackets = 0;
        victim.TxPackets = 0;
        victim.RxErrors = FakeErrors;
        WriteSucceeded = victim.RxErrors == FakeErrors && victim.RxPackets == 0;
    }

    /// <inheritdoc/>
    public void Exit() { }
}
