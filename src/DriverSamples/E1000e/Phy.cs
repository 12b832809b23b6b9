using Kernel;

namespace E1000e;

// PHY access over MDIO through the MDI Control register (phy.c): write the op, poll READY, check ERROR.
public sealed unsafe partial class E1000Hw
{
    private const int MdicPollAttempts = 640; // 64 * 10 as in e1000e_read_phy_reg_mdic

    /// <summary>Reads PHY register <paramref name="offset"/> (e1000e_read_phy_reg_mdic).</summary>
    public ushort ReadPhyReg(int offset)
    {
        if (offset > 0x1F) throw new E1000Exception($"PHY address {offset} is invalid");
        uint mdic = ((uint)offset << Bits.MDIC_REG_SHIFT) | (Phy.Addr << Bits.MDIC_PHY_SHIFT) | Bits.MDIC_OP_READ;
        Ew32(Reg.MDIC, mdic);
        mdic = WaitMdicReady();
        if ((mdic & Bits.MDIC_ERROR) != 0) throw new E1000Exception($"MDI read error at register {offset}");
        if (((mdic >> Bits.MDIC_REG_SHIFT) & 0x1F) != offset) throw new E1000Exception($"MDI read offset mismatch: {offset}");
        Phy.Reads++;
        ushort value = (ushort)(mdic & Bits.MDIC_DATA_MASK);
        Phy.RegCache[offset] = value;
        return value;
    }

    /// <summary>Writes PHY register <paramref name="offset"/> (e1000e_write_phy_reg_mdic).</summary>
    public void WritePhyReg(int offset, ushort data)
    {
        if (offset > 0x1F) throw new E1000Exception($"PHY address {offset} is invalid");
        uint mdic = data | ((uint)offset << Bits.MDIC_REG_SHIFT) | (Phy.Addr << Bits.MDIC_PHY_SHIFT) | Bits.MDIC_OP_WRITE;
        Ew32(Reg.MDIC, mdic);
        mdic = WaitMdicReady();
        if ((mdic & Bits.MDIC_ERROR) != 0) throw new E1000Exception($"MDI write error at register {offset}");
        Phy.Writes++;
        Phy.RegCache[offset] = data;
    }

    private uint WaitMdicReady()
    {
        for (int i = 0; i < MdicPollAttempts; i++)
        {
            Kernel.Udelay(1);
            uint mdic = Er32(Reg.MDIC);
            if ((mdic & Bits.MDIC_READY) != 0) return mdic;
            Phy.Retries++;
        }
        throw new E1000Exception("MDI access did not complete");
    }

    /// <summary>Reads the PHY identifier registers (e1000e_get_phy_id).</summary>
    public void GetPhyId()
    {
        ushort id1 = ReadPhyReg(PhyReg.ID1);
        ushort id2 = ReadPhyReg(PhyReg.ID2);
        Phy.Id = ((uint)id1 << 16) | (id2 & PhyReg.PHY_REVISION_MASK & 0xFFFF);
        Phy.Revision = id2 & ~PhyReg.PHY_REVISION_MASK;
        Phy.Type = (Phy.Id & PhyReg.PHY_REVISION_MASK) switch
        {
            PhyReg.M88E1111_I_PHY_ID => PhyType.M88,
            PhyReg.BME1000_E_PHY_ID => PhyType.Bm,
            PhyReg.IGP03E1000_E_PHY_ID => PhyType.Igp3,
            _ => PhyType.Unknown,
        };
    }

    /// <summary>Software PHY reset through BMCR, then the PHY's power-on delay (e1000e_phy_sw_reset).</summary>
    public void PhySoftwareReset()
    {
        ushort ctrl = ReadPhyReg(PhyReg.CONTROL);
        WritePhyReg(PhyReg.CONTROL, (ushort)(ctrl | PhyReg.MII_CR_RESET));
        Kernel.Udelay(1);
    }

    /// <summary>Hardware PHY reset through CTRL.PHY_RST (e1000e_phy_hw_reset_generic).</summary>
    public void PhyHardwareReset()
    {
        if (Phy.ResetDisable) return;
        Ops.AcquirePhy();
        try
        {
            uint ctrl = Er32(Reg.CTRL);
            Ew32(Reg.CTRL, ctrl | Bits.CTRL_PHY_RST);
            Flush();
            Kernel.Udelay(Phy.ResetDelayUs);
            Ew32(Reg.CTRL, ctrl);
            Flush();
            Kernel.Udelay(150);
        }
        finally
        {
            Ops.ReleasePhy();
        }
    }

    /// <summary>Programs the autonegotiation advertisement registers (e1000_phy_setup_autoneg).</summary>
    public void PhySetupAutoneg()
    {
        Phy.AutonegAdvertised &= Phy.AutonegMask;
        ushort adv = ReadPhyReg(PhyReg.AUTONEG_ADV);
        ushort gbit = ReadPhyReg(PhyReg.GBIT_CONTROL);
        adv &= unchecked((ushort)~(PhyReg.NWAY_AR_100TX_FD_CAPS | PhyReg.NWAY_AR_100TX_HD_CAPS | PhyReg.NWAY_AR_10T_FD_CAPS
                                   | PhyReg.NWAY_AR_10T_HD_CAPS | PhyReg.NWAY_AR_PAUSE | PhyReg.NWAY_AR_ASM_DIR));
        gbit &= unchecked((ushort)~(PhyReg.CR_1000T_HD_CAPS | PhyReg.CR_1000T_FD_CAPS));
        if ((Phy.AutonegAdvertised & PhyReg.ADVERTISE_10_HALF) != 0) adv |= PhyReg.NWAY_AR_10T_HD_CAPS;
        if ((Phy.AutonegAdvertised & PhyReg.ADVERTISE_10_FULL) != 0) adv |= PhyReg.NWAY_AR_10T_FD_CAPS;
        if ((Phy.AutonegAdvertised & PhyReg.ADVERTISE_100_HALF) != 0) adv |= PhyReg.NWAY_AR_100TX_HD_CAPS;
        if ((Phy.AutonegAdvertised & PhyReg.ADVERTISE_100_FULL) != 0) adv |= PhyReg.NWAY_AR_100TX_FD_CAPS;
        if ((Phy.AutonegAdvertised & PhyReg.ADVERTISE_1000_FULL) != 0) gbit |= PhyReg.CR_1000T_FD_CAPS;
        switch (Fc.CurrentMode)
        {
            case FcMode.None:
                break;
            case FcMode.RxPause:
            case FcMode.Full:
                adv |= PhyReg.NWAY_AR_ASM_DIR | PhyReg.NWAY_AR_PAUSE;
                break;
            case FcMode.TxPause:
                adv |= PhyReg.NWAY_AR_ASM_DIR;
                break;
            default:
                throw new E1000Exception($"Flow control param set incorrectly: {Fc.CurrentMode}");
        }
        WritePhyReg(PhyReg.AUTONEG_ADV, adv);
        WritePhyReg(PhyReg.GBIT_CONTROL, gbit);
    }

    /// <summary>Restarts autonegotiation and optionally waits for it (e1000_copper_link_autoneg).</summary>
    public bool CopperLinkAutoneg(bool waitForCompletion)
    {
        PhySetupAutoneg();
        ushort ctrl = ReadPhyReg(PhyReg.CONTROL);
        ctrl |= PhyReg.MII_CR_AUTO_NEG_EN | PhyReg.MII_CR_RESTART_AUTO_NEG;
        WritePhyReg(PhyReg.CONTROL, ctrl);
        Mac.GetLinkStatus = true;
        return !waitForCompletion || PhyHasLink(iterations: 100, usInterval: 100);
    }

    /// <summary>Polls BMSR for link (e1000e_phy_has_link_generic); BMSR link status latches low, so it is read twice.</summary>
    public bool PhyHasLink(int iterations, int usInterval)
    {
        for (int i = 0; i < iterations; i++)
        {
            ReadPhyReg(PhyReg.STATUS);
            ushort status = ReadPhyReg(PhyReg.STATUS);
            if ((status & PhyReg.MII_SR_LINK_STATUS) != 0 && (status & PhyReg.MII_SR_AUTONEG_COMPLETE) != 0) return true;
            Kernel.Udelay(usInterval);
        }
        return false;
    }

    /// <summary>Reads speed, duplex, polarity and idle errors (e1000e_get_phy_info_m88 and friends).</summary>
    public void GetPhyInfo()
    {
        if (!PhyHasLink(1, 0)) throw new E1000Exception("Phy info is only valid if link is up");
        ushort spec = ReadPhyReg(PhyReg.M88_PHY_SPEC_STATUS);
        Phy.PolarityCorrection = (ReadPhyReg(PhyReg.M88_PHY_SPEC_CTRL) & PhyReg.M88_PSCR_POLARITY_REVERSAL) == 0;
        Phy.MdiX = (byte)((spec & 0x0040) != 0 ? 1 : 0);
        if ((spec & PhyReg.M88_PSSR_SPEED_1000) != 0)
        {
            ushort gstat = ReadPhyReg(PhyReg.GBIT_STATUS);
            Phy.LocalRx = (ushort)((gstat & PhyReg.SR_1000T_LOCAL_RX_STATUS) != 0 ? 1 : 0);
            Phy.RemoteRx = (ushort)((gstat & PhyReg.SR_1000T_REMOTE_RX_STATUS) != 0 ? 1 : 0);
            Phy.IdleErrors += (ushort)(gstat & PhyReg.SR_1000T_IDLE_ERROR_CNT);
        }
    }

    /// <summary>Configures the M88 PHY's MDI-X and polarity (e1000e_copper_link_setup_m88).</summary>
    public void CopperLinkSetupM88()
    {
        ushort data = ReadPhyReg(PhyReg.M88_PHY_SPEC_CTRL);
        data |= PhyReg.M88_PSCR_ASSERT_CRS_ON_TX;
        data = (ushort)((data & ~PhyReg.M88_PSCR_AUTO_X_MODE) | (Phy.MdiX switch { 1 => 0x0000, 2 => 0x0020, _ => PhyReg.M88_PSCR_AUTO_X_MODE }));
        data = Phy.DisablePolarityCorrection ? (ushort)(data | PhyReg.M88_PSCR_POLARITY_REVERSAL) : (ushort)(data & ~PhyReg.M88_PSCR_POLARITY_REVERSAL);
        WritePhyReg(PhyReg.M88_PHY_SPEC_CTRL, data);
        PhySoftwareReset();
    }

    /// <summary>Configures the IGP3 PHY: smart speed and low-power link up off (e1000e_copper_link_setup_igp).</summary>
    public void CopperLinkSetupIgp()
    {
        ushort port = ReadPhyReg(PhyReg.IGP_PORT_CONFIG);
        port = Phy.SmartSpeed ? (ushort)(port | 0x0080) : (ushort)(port & ~0x0080);
        port &= unchecked((ushort)~0x0004); // LPLU off in D0
        WritePhyReg(PhyReg.IGP_PORT_CONFIG, port);
    }

    /// <summary>Logs a snapshot of the PHY registers (e1000e_dump_phy-like), from the cache.</summary>
    public IEnumerable<(int Register, ushort Value)> DumpPhyRegisters()
    {
        foreach (int reg in new[] { PhyReg.CONTROL, PhyReg.STATUS, PhyReg.ID1, PhyReg.ID2, PhyReg.AUTONEG_ADV, PhyReg.LP_ABILITY, PhyReg.GBIT_CONTROL, PhyReg.GBIT_STATUS })
            yield return (reg, ReadPhyReg(reg));
    }

    internal void LogPhy() => Log(LogLevel.Debug, $"PHY id 0x{Phy.Id:X8} rev {Phy.Revision} type {Phy.Type}");
}
