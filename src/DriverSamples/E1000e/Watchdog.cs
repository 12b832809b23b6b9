using Kernel;

namespace E1000e;

// The periodic watchdog (e1000_watchdog_task): link state, statistics, adaptive IFS, and the reset task.
public sealed partial class E1000Adapter
{
    /// <summary>Runs from the kernel timer; re-arms itself while the interface is up.</summary>
    public void Watchdog()
    {
        if ((State & AdapterState.Down) != 0) return;
        WatchdogRuns++;
        bool link = Hw.Ops.CheckForLink() && (Hw.Er32(Reg.STATUS) & Bits.STATUS_LU) != 0;
        if (link && !CarrierOk)
        {
            (LinkSpeed, LinkFullDuplex) = Hw.GetSpeedAndDuplex();
            Hw.GetPhyInfoSafe();
            // Link-speed dependent transmit tuning (TARC speed mode bit on 82571).
            if (Hw.Mac.Type == MacType.Mac82571)
            {
                uint tarc = Hw.Er32(Reg.TARC0);
                tarc = LinkSpeed == 1000 ? tarc & ~(1u << 21) : tarc | (1u << 21);
                Hw.Ew32(Reg.TARC0, tarc);
            }
            CarrierOk = true;
            QueueStopped = false;
            LinkChanges++;
            Hw.Log(LogLevel.Info, $"{IfName} NIC Link is Up {LinkSpeed} Mbps {(LinkFullDuplex ? "Full" : "Half")} Duplex, Flow Control: {Hw.Fc.CurrentMode}");
        }
        else if (!link && CarrierOk)
        {
            CarrierOk = false;
            LinkSpeed = 0;
            LinkChanges++;
            Hw.Log(LogLevel.Info, $"{IfName} NIC Link is Down");
        }

        UpdateStats();
        Hw.Mac.TxPacketDelta = (uint)(Hw.Stats.Tpt - PrevTpt);
        Hw.Mac.CollisionDelta = (uint)(Hw.Stats.Colc - PrevColc);
        PrevTpt = (uint)Hw.Stats.Tpt;
        PrevColc = (uint)Hw.Stats.Colc;
        Hw.UpdateAdaptiveIfs();

        if (!CarrierOk && TxRing.Allocated && TxRing.Unused + 1 < TxRing.Count)
        {
            // Frames are stuck with no link: the reset task will clean them up.
            TxTimeoutCount++;
            Hw.Log(LogLevel.Warning, $"{IfName}: transmit pending with link down, scheduling reset");
        }

        // A fixed-rate ITR gets a periodic rewrite in case a reset clobbered it.
        if (ItrSetting == 0 || ItrSetting >= 100) WriteItr(Itr);

        Kernel.ModTimer(this, Kernel.NowNs + Params.WatchdogPeriodUs * 1000L, Watchdog, DriverName);
    }

    /// <summary>Folds the hardware counters into the adapter and interface statistics (e1000e_update_stats).</summary>
    public void UpdateStats()
    {
        if (Pdev.Bar0 is null) return;
        Hw.Stats.Update(Hw);
        NetStats.Collisions = Hw.Stats.Colc;
        NetStats.RxCrcErrors = Hw.Stats.Crcerrs;
        NetStats.RxMissedErrors = Hw.Stats.Mpc;
        NetStats.TxErrors = Hw.Stats.Ecol + Hw.Stats.Latecol;
        // Phy idle errors only mean something at gigabit.
        if (LinkSpeed == 1000 && CarrierOk)
        {
            try
            {
                ushort gstat = Hw.ReadPhyReg(PhyReg.GBIT_STATUS);
                Hw.Phy.IdleErrors += (ushort)(gstat & PhyReg.SR_1000T_IDLE_ERROR_CNT);
            }
            catch (E1000Exception e)
            {
                Hw.Log(LogLevel.Debug, "PHY stats read failed: " + e.Message);
            }
        }
    }

    /// <summary>
    /// The reset task (e1000_reset_task), run when the watchdog or a transmit timeout asks: down, reset, up. It yields
    /// first, as the work queue would run it later rather than in the caller's context.
    /// </summary>
    public async Task<bool> ResetTaskAsync()
    {
        if ((State & AdapterState.Down) != 0 || !Opened) return false;
        State |= AdapterState.Resetting;
        try
        {
            await Task.Yield();
            Down(reset: true);
            Up();
            Hw.Ew32(Reg.ICS, Bits.ICR_LSC);
            Kernel.ModTimer(this, Kernel.NowNs, Watchdog, DriverName);
            return true;
        }
        finally
        {
            State &= ~AdapterState.Resetting;
        }
    }
}
