using Kernel;
using Kernel.Pci;

namespace E1000e;

// Open, close, up, down and the transmit/receive unit configuration (netdev.c).
public sealed unsafe partial class E1000Adapter
{
    /// <inheritdoc/>
    public void Open()
    {
        if (Opened) return;
        if ((State & AdapterState.Testing) != 0) throw new InvalidOperationException("device busy (self test)");
        CarrierOk = false;
        Pdev.WriteConfig16(PciDevice.CommandOffset, (ushort)(Pdev.ReadConfig16(PciDevice.CommandOffset) | PciDevice.CommandMemory | PciDevice.CommandBusMaster));
        TxRing.Setup(Kernel, Owner, TxRingCount);
        try
        {
            RxRing.Setup(Kernel, Owner, RxRingCount, RxBufferLen, Hw.Ops.UsesExtendedRx);
        }
        catch
        {
            TxRing.Free(Kernel);
            throw;
        }
        Hw.GetHwControl();
        Hw.InitManageability();
        Kernel.RequestIrq(Pdev, Intr, DriverName);
        Up();
        Opened = true;
        // Fire a link status change so the watchdog runs now rather than one period from now.
        Hw.Ew32(Reg.ICS, Bits.ICR_LSC);
        Kernel.ModTimer(this, Kernel.NowNs, Watchdog, DriverName);
    }

    /// <inheritdoc/>
    public void Close()
    {
        if (!Opened) return;
        Down(reset: true);
        Kernel.FreeIrq(Pdev);
        TxRing.Free(Kernel);
        RxRing.Free(Kernel);
        Hw.ReleaseHwControl();
        Opened = false;
    }

    /// <summary>Configures the hardware for the rings and enables interrupts (e1000e_up).</summary>
    public void Up()
    {
        Configure();
        State &= ~AdapterState.Down;
        IrqEnable();
    }

    /// <summary>Quiesces the hardware and drains the rings (e1000e_down).</summary>
    public void Down(bool reset)
    {
        State |= AdapterState.Down;
        Hw.ClearBits(Reg.RCTL, Bits.RCTL_EN);
        QueueStopped = true;
        Hw.ClearBits(Reg.TCTL, Bits.TCTL_EN);
        Hw.Flush();
        Kernel.Udelay(10_000);
        IrqDisable();
        Kernel.DelTimer(this);
        CarrierOk = false;
        LinkSpeed = 0;
        UpdateStats();
        if (reset) Reset();
        CleanTxRing();
        CleanRxRing();
    }

    /// <summary>Resets and re-initialises the MAC (e1000e_reset): packet buffer split, flow-control watermarks, init.</summary>
    public void Reset()
    {
        // Split the 48 KB packet buffer: 20 KB receive / 28 KB transmit for standard frames.
        uint pba = 0x0014;
        Hw.Ew32(Reg.PBA, pba);
        Hw.Fc.PauseTime = 0xFFFF;
        Hw.Fc.SendXon = true;
        Hw.Fc.RequestedMode = FcMode.Default;
        Hw.Ops.ResetHw();
        Hw.Ops.InitHw();
        Hw.Ew32(Reg.VET, 0x8100);
        Hw.GetPhyInfoSafe();
        Hw.ClearHwCounters();
        Ptp.Reset();
    }

    /// <summary>Programs everything the rings need (e1000_configure).</summary>
    private void Configure()
    {
        SetRxMode(McListSnapshot(), Promiscuous);
        ConfigureTx();
        SetupRctl();
        ConfigureRx();
        AllocRxBuffers(RxRing.Unused);
    }

    /// <summary>Transmit unit setup (e1000_configure_tx).</summary>
    private void ConfigureTx()
    {
        ulong tdba = TxRing.DescMem.BusAddress;
        uint tdlen = (uint)(TxRing.Count * sizeof(TxDesc));
        Hw.Ew32(Reg.TDBAL, (uint)tdba);
        Hw.Ew32(Reg.TDBAH, (uint)(tdba >> 32));
        Hw.Ew32(Reg.TDLEN, tdlen);
        Hw.Ew32(Reg.TDH, 0);
        Hw.Ew32(Reg.TDT, 0);
        Hw.Ew32(Reg.TIDV, (uint)Params.TxIntDelay);
        Hw.Ew32(Reg.TADV, (uint)Params.TxAbsIntDelay);
        Hw.Ew32(Reg.TIPG, Bits.TIPG_IPGT_COPPER | Bits.TIPG_IPGR1 | Bits.TIPG_IPGR2);
        uint tctl = Hw.Er32(Reg.TCTL);
        tctl &= ~Bits.TCTL_CT;
        tctl |= Bits.TCTL_PSP | Bits.TCTL_RTLC | (0x0Fu << Bits.TCTL_CT_SHIFT);
        TxdCmd = Bits.TXD_CMD_IFCS;
        if (Params.TxIntDelay != 0) TxdCmd |= Bits.TXD_CMD_IDE;
        Hw.Ew32(Reg.TCTL, tctl);
        Hw.ConfigCollisionDistance();
        Hw.SetBits(Reg.TCTL, Bits.TCTL_EN);
    }

    /// <summary>Computes the receive control word (e1000_setup_rctl).</summary>
    private void SetupRctl()
    {
        uint rctl = Hw.Er32(Reg.RCTL);
        rctl &= ~(3u << Bits.RCTL_MO_SHIFT);
        rctl |= Bits.RCTL_EN | Bits.RCTL_BAM | Bits.RCTL_RDMTS_HALF;
        rctl &= ~(Bits.RCTL_SBP | Bits.RCTL_LPE | Bits.RCTL_LBM_MASK | Bits.RCTL_SZ_MASK | Bits.RCTL_BSEX | Bits.RCTL_DTYP_PS);
        rctl = Params.CrcStripping ? rctl | Bits.RCTL_SECRC : rctl & ~Bits.RCTL_SECRC;
        rctl |= RxBufferLen switch { 1024 => Bits.RCTL_SZ_1024, _ => Bits.RCTL_SZ_2048 };
        if (LoopbackEnabled) rctl |= Bits.RCTL_LBM_MAC;
        if (Promiscuous) rctl |= Bits.RCTL_UPE | Bits.RCTL_MPE;
        Rctl = rctl;
    }

    /// <summary>Receive unit setup (e1000_configure_rx).</summary>
    private void ConfigureRx()
    {
        Hw.Ew32(Reg.RCTL, Hw.Er32(Reg.RCTL) & ~Bits.RCTL_EN);
        Hw.Flush();
        Kernel.Udelay(10);
        Hw.Ew32(Reg.RDTR, (uint)Params.RxIntDelay);
        Hw.Ew32(Reg.RADV, (uint)Params.RxAbsIntDelay);
        WriteItr(Itr);
        ulong rdba = RxRing.DescMem.BusAddress;
        Hw.Ew32(Reg.RDBAL, (uint)rdba);
        Hw.Ew32(Reg.RDBAH, (uint)(rdba >> 32));
        Hw.Ew32(Reg.RDLEN, (uint)(RxRing.Count * 16));
        Hw.Ew32(Reg.RDH, 0);
        Hw.Ew32(Reg.RDT, 0);
        uint rxcsum = Hw.Er32(Reg.RXCSUM);
        rxcsum = Params.RxCsumOffload ? rxcsum | Bits.RXCSUM_TUOFL | Bits.RXCSUM_IPOFL : rxcsum & ~(Bits.RXCSUM_TUOFL | Bits.RXCSUM_IPOFL);
        Hw.Ew32(Reg.RXCSUM, rxcsum);
        uint rfctl = Hw.Er32(Reg.RFCTL);
        rfctl = RxRing.Extended ? rfctl | Bits.RFCTL_EXTEN : rfctl & ~Bits.RFCTL_EXTEN;
        Hw.Ew32(Reg.RFCTL, rfctl);
        Hw.Ew32(Reg.RCTL, Rctl);
    }

    /// <summary>Unmasks the interrupt causes the driver handles (e1000_irq_enable).</summary>
    public void IrqEnable()
    {
        Hw.Ew32(Reg.IMS, Bits.IMS_ENABLE_MASK);
        Hw.Flush();
    }

    /// <summary>Masks every interrupt cause (e1000_irq_disable).</summary>
    public void IrqDisable()
    {
        Hw.Ew32(Reg.IMC, 0xFFFF_FFFF);
        Hw.Flush();
    }

    /// <summary>Writes the throttle register from an interrupts-per-second rate (e1000e_write_itr).</summary>
    public void WriteItr(uint interruptsPerSecond)
    {
        uint value = interruptsPerSecond != 0 ? 1_000_000_000u / (interruptsPerSecond * 256u) : 0;
        Hw.Ew32(Reg.ITR, value);
    }
}

public sealed unsafe partial class E1000Hw
{
    /// <summary>Reads PHY info when the link is up; ignored when it is not (the watchdog retries).</summary>
    public void GetPhyInfoSafe()
    {
        try
        {
            GetPhyInfo();
        }
        catch (E1000Exception)
        {
            // Link not up yet; nothing to record.
        }
    }
}
