using GuardRuntime;
namespace Kernel.Net;

/// <summary>
/// Interface counters, Linux <c>struct rtnl_link_stats64</c>. The object is allocated and updated by the driver that
/// owns the device; the host and other modules only read it. Public fields, so a foreign module's write is a store
/// the guard sees.
/// </summary>
[ModuleExport]
public sealed class NetDeviceStats
{
    /// <summary>Packets received.</summary>
    public ulong RxPackets;
    /// <summary>Packets transmitted.</summary>
    public ulong TxPackets;
    /// <summary>Bytes received.</summary>
    public ulong RxBytes;
    /// <summary>Bytes transmitted.</summary>
    public ulong TxBytes;
    /// <summary>Receive errors.</summary>
    public ulong RxErrors;
    /// <summary>Transmit errors.</summary>
    public ulong TxErrors;
    /// <summary>Received packets dropped by the driver.</summary>
    public ulong RxDropped;
    /// <summary>Packets dropped before transmission.</summary>
    public ulong TxDropped;
    /// <summary>Multicast packets received.</summary>
    public ulong Multicast;
    /// <summary>Frames with CRC errors.</summary>
    public ulong RxCrcErrors;
    /// <summary>Frames missed because no receive descriptor was free.</summary>
    public ulong RxMissedErrors;
    /// <summary>Collisions.</summary>
    public ulong Collisions;
}
