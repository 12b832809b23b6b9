using Kernel;

namespace E1000e;

// Interrupt handling, NAPI polling and dynamic interrupt moderation (netdev.c).
public sealed unsafe partial class E1000Adapter
{
    /// <summary>
    /// The legacy/MSI interrupt handler (e1000_intr): read-to-clear ICR, note link changes, mask further interrupts
    /// and schedule NAPI. Returns false for an interrupt that was not ours.
    /// </summary>
    public bool Intr(int irq)
    {
        uint icr = Hw.Er32(Reg.ICR);
        if ((icr & Bits.ICR_INT_ASSERTED) == 0)
        {
            InterruptsSpurious++;
            return false;
        }
        if ((icr & Bits.ICR_LSC) != 0)
        {
            Hw.Mac.GetLinkStatus = true;
            if ((State & AdapterState.Down) == 0) Kernel.ModTimer(this, Kernel.NowNs + 1000, Watchdog, DriverName);
        }
        if ((icr & Bits.ICR_RXO) != 0) RxOverruns++;
        IrqDisable();
        InterruptsHandled++;
        if ((State & AdapterState.Down) == 0)
        {
            TotalTxBytes = TotalTxPackets = 0;
            TotalRxBytes = TotalRxPackets = 0;
            Kernel.NapiSchedule(this, DriverName);
        }
        return true;
    }

    /// <summary>
    /// The NAPI poll routine (e1000e_poll): clean transmit, clean up to <paramref name="budget"/> receives; when under
    /// budget, retune ITR, complete NAPI and unmask interrupts.
    /// </summary>
    public int Poll(int budget)
    {
        NapiPolls++;
        bool txClean = CleanTxIrq();
        int workDone = CleanRxIrq(budget);
        if (!txClean) workDone = budget;
        if (workDone < budget)
        {
            if ((ItrSetting & 3) != 0) SetItr();
            if (Kernel.NapiCompleteDone(this, workDone))
            {
                NapiCompletions++;
                if ((State & AdapterState.Down) == 0) IrqEnable();
            }
        }
        return workDone;
    }

    /// <summary>Classifies the last interval's traffic (e1000_update_itr).</summary>
    public static ItrRange UpdateItr(ItrRange current, uint packets, uint bytes)
    {
        if (packets == 0) return current;
        ItrRange next = current;
        switch (current)
        {
            case ItrRange.LowestLatency:
                if (bytes / packets > 8000) next = ItrRange.BulkLatency;
                else if (packets < 5 && bytes > 512) next = ItrRange.LowLatency;
                break;
            case ItrRange.LowLatency:
                if (bytes > 10000)
                {
                    if (bytes / packets > 8000) next = ItrRange.BulkLatency;
                    else if (packets < 10 || bytes / packets > 1200) next = ItrRange.BulkLatency;
                    else if (packets > 35) next = ItrRange.LowestLatency;
                }
                else if (bytes / packets > 2000)
                {
                    next = ItrRange.BulkLatency;
                }
                else if (packets <= 2 && bytes < 512)
                {
                    next = ItrRange.LowestLatency;
                }
                break;
            case ItrRange.BulkLatency:
                if (bytes > 25000)
                {
                    if (packets > 35) next = ItrRange.LowLatency;
                }
                else if (bytes < 6000)
                {
                    next = ItrRange.LowLatency;
                }
                break;
        }
        return next;
    }

    /// <summary>Chooses and programs a new interrupt rate from the traffic mix (e1000_set_itr), smoothing upward moves.</summary>
    public void SetItr()
    {
        uint newItr;
        if (LinkSpeed != 1000)
        {
            newItr = 4000;
        }
        else
        {
            TxItr = UpdateItr(TxItr, TotalTxPackets, TotalTxBytes);
            if (ItrSetting == 3 && TxItr == ItrRange.LowestLatency) TxItr = ItrRange.LowLatency;
            RxItr = UpdateItr(RxItr, TotalRxPackets, TotalRxBytes);
            if (ItrSetting == 3 && RxItr == ItrRange.LowestLatency) RxItr = ItrRange.LowLatency;
            CurrentItr = (ItrRange)Math.Max((byte)TxItr, (byte)RxItr);
            newItr = CurrentItr switch
            {
                ItrRange.LowestLatency => (uint)Bits.ITR_LOWEST_LATENCY,
                ItrRange.LowLatency => (uint)Bits.ITR_LOW_LATENCY,
                _ => (uint)Bits.ITR_BULK_LATENCY,
            };
        }
        if (newItr != Itr)
        {
            // Moving to a higher rate happens gradually to avoid oscillating under mixed traffic.
            newItr = newItr > Itr ? Math.Min(Itr + (newItr >> 2), newItr) : newItr;
            Itr = newItr;
            WriteItr(newItr);
        }
        TotalTxBytes = TotalTxPackets = 0;
        TotalRxBytes = TotalRxPackets = 0;
    }

    internal void LogIrqSummary() =>
        Hw.Log(LogLevel.Debug, $"irq: handled {InterruptsHandled} spurious {InterruptsSpurious} napi {NapiPolls}/{NapiCompletions} itr {Itr}");
}
