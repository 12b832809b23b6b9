using GuardRuntime;
namespace Kernel.Net;

/// <summary>The result of handing a packet to a driver (<c>netdev_tx_t</c>).</summary>
public enum NetdevTx
{
    /// <summary>The driver took the packet (and will free it).</summary>
    Ok = 0,
    /// <summary>The ring is full; the caller keeps the packet and retries later.</summary>
    Busy = 0x10,
}

/// <summary>
/// A network interface as the stack sees it (<c>struct net_device</c> + <c>net_device_ops</c>). Drivers implement it
/// and register it with <see cref="KernelApi.RegisterNetDevice"/>; the stack and workloads only use this surface, so a
/// driver loaded from any assembly (woven or not) can be driven.
/// </summary>
/// <remarks>
/// Modules may read an interface (its name, address, state, counters, ethtool queries); only the kernel drives it
/// (open, close, transmit, receive filter, loopback): a module calling those on another driver's interface would make
/// that driver act for it, under the driver's policy.
/// </remarks>
public interface INetDevice
{
    /// <summary>The interface name, e.g. <c>eth0</c>.</summary>
    [ModuleExport]
    string Name { get; }

    /// <summary>The station address.</summary>
    [ModuleExport]
    MacAddress Address { get; }

    /// <summary>Whether the interface is open.</summary>
    [ModuleExport]
    bool IsUp { get; }

    /// <summary>Whether the carrier is up.</summary>
    [ModuleExport]
    bool LinkUp { get; }

    /// <summary>The driver-owned interface counters.</summary>
    [ModuleExport]
    NetDeviceStats Stats { get; }

    /// <summary>The ethtool operations (queries only for modules).</summary>
    [ModuleExport]
    IEthtoolOps Ethtool { get; }

    /// <summary>Brings the interface up (<c>ndo_open</c>).</summary>
    void Open();

    /// <summary>Brings the interface down (<c>ndo_stop</c>).</summary>
    void Close();

    /// <summary>Queues a packet for transmission (<c>ndo_start_xmit</c>).</summary>
    NetdevTx StartXmit(SkBuff skb);

    /// <summary>Programs the receive filter (<c>ndo_set_rx_mode</c>).</summary>
    void SetRxMode(IReadOnlyList<MacAddress> multicast, bool promiscuous);

    /// <summary>Turns MAC loopback on or off (transmitted frames come back on receive).</summary>
    void SetLoopback(bool enabled);
}

/// <summary>A NAPI context: polled from softirq context after the interrupt handler scheduled it (by the kernel only).</summary>
public interface INapiPoller
{
    /// <summary>Processes at most <paramref name="budget"/> received packets; returns how many were processed.</summary>
    int Poll(int budget);
}

/// <summary>Ring sizes (<c>ethtool -g</c>).</summary>
/// <param name="RxMax">Largest receive ring.</param>
/// <param name="TxMax">Largest transmit ring.</param>
/// <param name="RxPending">Current receive ring.</param>
/// <param name="TxPending">Current transmit ring.</param>
[ModuleExport]
public readonly record struct RingParams(int RxMax, int TxMax, int RxPending, int TxPending);

/// <summary>Link settings (<c>ethtool</c> with no option).</summary>
/// <param name="SpeedMbps">Negotiated speed, 0 when down.</param>
/// <param name="FullDuplex">Whether the link is full duplex.</param>
/// <param name="Autoneg">Whether autonegotiation is on.</param>
/// <param name="LinkUp">Whether the carrier is up.</param>
/// <param name="PhyId">The PHY identifier read over MDIO.</param>
[ModuleExport]
public readonly record struct LinkSettings(int SpeedMbps, bool FullDuplex, bool Autoneg, bool LinkUp, uint PhyId);

/// <summary>The ethtool operations a driver offers (<c>struct ethtool_ops</c>); modules may query, the kernel sets.</summary>
public interface IEthtoolOps
{
    /// <summary>Driver name and version.</summary>
    [ModuleExport]
    string DriverInfo { get; }

    /// <summary>The names of the statistics, in value order.</summary>
    [ModuleExport]
    IReadOnlyList<string> GetStatsStrings();

    /// <summary>Fills <paramref name="values"/> (as long as the strings list) with current statistics.</summary>
    [ModuleExport]
    void GetStatsValues(Span<ulong> values);

    /// <summary>Current and maximum ring sizes.</summary>
    [ModuleExport]
    RingParams GetRingParams();

    /// <summary>Resizes the rings; returns false when the sizes are out of range.</summary>
    bool SetRingParams(int rxPending, int txPending);

    /// <summary>The link settings.</summary>
    [ModuleExport]
    LinkSettings GetLinkSettings();

    /// <summary>The interrupt throttle setting in interrupts per second (0 = off, 1/3 = dynamic).</summary>
    [ModuleExport]
    int GetInterruptThrottleRate();

    /// <summary>Sets the interrupt throttle rate; returns false if the value is invalid.</summary>
    bool SetInterruptThrottleRate(int rate);

    /// <summary>Runs the offline/online self tests; returns one result per test (0 = pass).</summary>
    IReadOnlyList<(string Name, ulong Result)> SelfTest(bool offline);
}
