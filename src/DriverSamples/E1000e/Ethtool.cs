using Kernel.Net;

namespace E1000e;

// The ethtool operations (ethtool.c): driver info, statistics, ring sizes, link settings, interrupt coalescing.
public sealed unsafe partial class E1000Adapter
{
    /// <summary>The statistics names in value order (e1000_gstrings_stats).</summary>
    private static readonly string[] StatNames =
    [
        "rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "rx_broadcast", "tx_broadcast", "rx_multicast",
        "rx_errors", "tx_errors", "tx_dropped", "multicast", "collisions", "rx_crc_errors", "rx_missed_errors",
        "tx_restart_queue", "tx_busy", "tx_timeout_count", "tx_hang_detected", "rx_csum_offload_good",
        "rx_csum_offload_errors", "tx_csum_sw_fallback", "alloc_rx_buff_failed", "rx_discard_non_eop",
        "rx_overruns", "interrupts", "interrupts_spurious", "napi_polls", "napi_completions", "watchdog_runs",
        "link_changes", "tx_link_down_drops", "rx_copies", "tx_split_frames", "hw_gprc", "hw_gptc", "hw_gorc",
        "hw_gotc", "hw_tpr", "hw_tpt", "hw_mpc",
    ];

    /// <inheritdoc/>
    public string DriverInfo => $"{DriverName} {DriverVersion} ({Hw.Ops.Name}, bus {Pdev.Name})";

    /// <inheritdoc/>
    public IReadOnlyList<string> GetStatsStrings() => StatNames;

    /// <summary>The statistics names, lazily (for consumers that stream them).</summary>
    public IEnumerable<string> EnumerateStatsStrings()
    {
        foreach (var name in StatNames)
            yield return name;
    }

    /// <inheritdoc/>
    public void GetStatsValues(Span<ulong> values)
    {
        if (values.Length < StatNames.Length) throw new ArgumentException($"Need room for {StatNames.Length} values.", nameof(values));
        UpdateStats();
        for (int i = 0; i < StatNames.Length; i++) values[i] = StatValue(i);
    }

    private ulong StatValue(int index) => index switch
    {
        0 => NetStats.RxPackets,
        1 => NetStats.TxPackets,
        2 => NetStats.RxBytes,
        3 => NetStats.TxBytes,
        4 => Hw.Stats.Bprc,
        5 => Hw.Stats.Bptc,
        6 => Hw.Stats.Mprc,
        7 => NetStats.RxErrors,
        8 => NetStats.TxErrors,
        9 => NetStats.TxDropped,
        10 => NetStats.Multicast,
        11 => NetStats.Collisions,
        12 => NetStats.RxCrcErrors,
        13 => NetStats.RxMissedErrors,
        14 => RestartQueue,
        15 => TxBusy,
        16 => TxTimeoutCount,
        17 => TxHangDetected,
        18 => HwCsumGood,
        19 => HwCsumErr,
        20 => SwCsumFallback,
        21 => AllocRxBuffFailed,
        22 => RxDiscardNonEop,
        23 => RxOverruns,
        24 => InterruptsHandled,
        25 => InterruptsSpurious,
        26 => NapiPolls,
        27 => NapiCompletions,
        28 => WatchdogRuns,
        29 => LinkChanges,
        30 => TxLinkDownDrops,
        31 => RxCopies,
        32 => TxSplitFrames,
        33 => Hw.Stats.Gprc,
        34 => Hw.Stats.Gptc,
        35 => Hw.Stats.Gorc,
        36 => Hw.Stats.Gotc,
        37 => Hw.Stats.Tpr,
        38 => Hw.Stats.Tpt,
        39 => Hw.Stats.Mpc,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <inheritdoc/>
    public RingParams GetRingParams() => new(E1000eParams.MaxRxd, E1000eParams.MaxTxd, RxRingCount, TxRingCount);

    /// <inheritdoc/>
    public bool SetRingParams(int rxPending, int txPending)
    {
        if (rxPending < E1000eParams.MinRxd || rxPending > E1000eParams.MaxRxd) return false;
        if (txPending < E1000eParams.MinTxd || txPending > E1000eParams.MaxTxd) return false;
        rxPending &= ~7;
        txPending &= ~7;
        if (rxPending == RxRingCount && txPending == TxRingCount) return true;
        bool wasUp = Opened;
        // Rings are reallocated while the interface is down (e1000_set_ringparam).
        if (wasUp) Close();
        RxRingCount = rxPending;
        TxRingCount = txPending;
        if (wasUp) Open();
        return true;
    }

    /// <inheritdoc/>
    public LinkSettings GetLinkSettings()
    {
        bool up = CarrierOk && (Hw.Er32(Reg.STATUS) & Bits.STATUS_LU) != 0;
        var (speed, full) = up ? Hw.GetSpeedAndDuplex() : (0, false);
        return new LinkSettings(speed, full, Hw.Mac.Autoneg, up, Hw.Phy.Id | Hw.Phy.Revision);
    }

    /// <inheritdoc/>
    public int GetInterruptThrottleRate() => ItrSetting <= 4 ? ItrSetting : (int)Itr;

    /// <inheritdoc/>
    public bool SetInterruptThrottleRate(int rate)
    {
        switch (rate)
        {
            case 0:
                ItrSetting = 0;
                Itr = 0;
                break;
            case 1 or 3 or 4:
                ItrSetting = rate;
                Itr = 20000;
                break;
            case >= E1000eParams.MinItr and <= E1000eParams.MaxItr:
                ItrSetting = rate & ~3;
                Itr = (uint)rate;
                break;
            default:
                return false;
        }
        if (Opened) WriteItr(Itr);
        return true;
    }

    /// <summary>Blinks the port LED <paramref name="times"/> times (ethtool -p).</summary>
    public void IdentifyPort(int times)
    {
        for (int i = 0; i < times; i++)
        {
            Hw.LedOn();
            Kernel.Udelay(500);
            Hw.LedOff();
            Kernel.Udelay(500);
        }
        Hw.LedCleanup();
    }

    /// <summary>Reads NVM words into <paramref name="buffer"/> (ethtool -e).</summary>
    public void GetEeprom(int offsetWords, Span<ushort> buffer) => Hw.ReadNvmEerd(offsetWords, buffer.Length, buffer);

    /// <summary>Dumps the main registers (ethtool -d), in e1000_get_regs order.</summary>
    public void GetRegs(Span<uint> regs)
    {
        ReadOnlySpan<uint> offsets = [Reg.CTRL, Reg.STATUS, Reg.RCTL, Reg.RDLEN, Reg.RDH, Reg.RDT, Reg.RDTR, Reg.TCTL, Reg.TDLEN, Reg.TDH, Reg.TDT, Reg.TIDV, Reg.TXDCTL, Reg.TADV, Reg.TARC0, Reg.ITR];
        for (int i = 0; i < offsets.Length && i < regs.Length; i++) regs[i] = offsets[i] == Reg.ICR ? 0 : Hw.Er32(offsets[i]);
    }
}
