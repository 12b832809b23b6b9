using Kernel;
using Kernel.Net;
using Kernel.Pci;

namespace E1000e;

/// <summary>Adapter state bits (__E1000_DOWN and friends).</summary>
[Flags]
public enum AdapterState
{
    None = 0,
    Down = 1,
    Resetting = 2,
    Testing = 4,
}

/// <summary>Interrupt moderation classes (e1000e's latency_range).</summary>
public enum ItrRange : byte
{
    LowestLatency = 0,
    LowLatency = 1,
    BulkLatency = 2,
}

/// <summary>
/// One NIC instance (struct e1000_adapter): the hardware, the rings, interrupt moderation, counters and the netdev
/// face the kernel sees. The behaviour is split over Netdev*.cs, Watchdog.cs, RxMode.cs and Ethtool*.cs.
/// </summary>
public sealed unsafe partial class E1000Adapter : INetDevice, INapiPoller, IEthtoolOps
{
    public const string DriverName = "e1000e";
    public const string DriverVersion = "3.8.7-NAPI-sim";
    public const int RxBufferWrite = 16;
    public const int TxWakeThreshold = 32;

    public readonly E1000Hw Hw;
    public readonly KernelApi Kernel;
    public readonly E1000eParams Params;
    public readonly PciDevice Pdev;
    public readonly NetDeviceStats NetStats = new();
    public readonly TxRing TxRing = new();
    public readonly RxRing RxRing = new();
    public readonly E1000Ptp Ptp;
    public string IfName = "";
    public MacAddress StationAddress;
    public AdapterState State = AdapterState.Down;
    public int TxRingCount;
    public int RxRingCount;
    public int RxBufferLen = 2048;
    public uint TxdCmd;
    public uint Rctl;
    public bool Opened;
    public bool CarrierOk;
    public bool QueueStopped;
    public bool LoopbackEnabled;
    public bool Promiscuous;
    public byte[] McList = [];
    public int McCount;
    public int LinkSpeed;
    public bool LinkFullDuplex;

    // Interrupt moderation.
    public int ItrSetting;
    public uint Itr;
    public ItrRange CurrentItr = ItrRange.LowLatency, TxItr = ItrRange.LowLatency, RxItr = ItrRange.LowLatency;
    public uint TotalTxBytes, TotalTxPackets, TotalRxBytes, TotalRxPackets;

    // Software counters (the ethtool-only ones in e1000_stats).
    public ulong RestartQueue, TxBusy, TxTimeoutCount, TxHangDetected, HwCsumGood, HwCsumErr, SwCsumFallback;
    public ulong AllocRxBuffFailed, RxDiscardNonEop, RxOverruns, InterruptsHandled, InterruptsSpurious;
    public ulong NapiPolls, NapiCompletions, WatchdogRuns, LinkChanges, TxLinkDownDrops, RxCopies, TxSplitFrames;
    public uint PrevTpt, PrevColc;

    public E1000Adapter(PciDevice pdev, KernelApi kernel, E1000eParams parameters)
    {
        Pdev = pdev;
        Kernel = kernel;
        Params = parameters;
        Hw = new E1000Hw(pdev, kernel);
        Ptp = new E1000Ptp(Hw);
    }

    /// <inheritdoc/>
    public string Name => IfName;

    /// <inheritdoc/>
    public MacAddress Address => StationAddress;

    /// <inheritdoc/>
    public bool IsUp => Opened;

    /// <inheritdoc/>
    public bool LinkUp => CarrierOk;

    /// <inheritdoc/>
    public NetDeviceStats Stats => NetStats;

    /// <inheritdoc/>
    public IEthtoolOps Ethtool => this;

    /// <summary>The DMA/owner name used for this adapter's allocations.</summary>
    public string Owner => Pdev.Name;

    /// <summary>
    /// Brings a function up from power-on (e1000_probe): variant, reset, NVM checksum and signature, station address,
    /// PHY id, full hardware init with autonegotiation, PTP clock, and netdev registration.
    /// </summary>
    public void Probe()
    {
        Hw.Ops.GetVariants();
        SoftwareInit();
        Hw.Ops.ResetHw();
        if (Hw.CheckMngMode()) Hw.Log(LogLevel.Info, "PHY reset is blocked due to SOL/IDER session (AMT present)");

        // The NVM checksum is validated twice: the first read may race with the hardware's own auto-read.
        if (!Hw.ValidateNvmChecksum() && !Hw.ValidateNvmChecksum())
            throw new E1000Exception("The NVM Checksum Is Not Valid");
        if (!Hw.ValidateNvmSignature()) throw new E1000Exception("NVM signature invalid");
        Hw.ReadMacAddrFromNvm();
        StationAddress = MacAddress.Read(Hw.Mac.Addr);
        if (StationAddress.Value == 0 || StationAddress.IsMulticast)
            throw new E1000Exception($"Invalid MAC Address: {StationAddress}");
        Hw.GetPhyId();
        Hw.LogPhy();
        string pba = Hw.ReadPbaString();

        Reset();
        Ptp.Init();
        IfName = Kernel.AllocNetDeviceName();
        Kernel.RegisterNetDevice(this);
        Hw.ReleaseHwControl();
        Hw.Log(LogLevel.Info, $"{IfName}: Intel(R) PRO/1000 Network Connection ({Hw.Ops.Name}) {StationAddress} PBA {pba}");
    }

    /// <summary>Undoes <see cref="Probe"/> (e1000_remove).</summary>
    public void Remove()
    {
        if (Opened) Close();
        Kernel.DelTimer(this);
        Kernel.UnregisterNetDevice(this);
        Hw.ReleaseManageability();
        Hw.ReleaseHwControl();
    }

    private void SoftwareInit()
    {
        TxRingCount = Params.TxDescriptors;
        RxRingCount = Params.RxDescriptors;
        (ItrSetting, Itr) = Params.ItrMode();
        RxBufferLen = 2048;
        Hw.Mac.MaxFrameSize = 1518;
        State = AdapterState.Down;
    }
}
