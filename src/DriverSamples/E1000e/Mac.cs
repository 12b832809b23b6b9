using Kernel;

namespace E1000e;

// Generic MAC operations (mac.c): receive address registers, multicast table, link checks, flow control, counters.
public sealed unsafe partial class E1000Hw
{
    /// <summary>Writes receive address <paramref name="index"/> and marks it valid (e1000e_rar_set_generic).</summary>
    public void RarSet(ReadOnlySpan<byte> addr, int index)
    {
        uint low = addr[0] | ((uint)addr[1] << 8) | ((uint)addr[2] << 16) | ((uint)addr[3] << 24);
        uint high = addr[4] | ((uint)addr[5] << 8);
        if (low != 0 || high != 0) high |= Bits.RAH_AV;
        // Low first, then high with AV: the entry only becomes valid once it is complete.
        Ew32(Reg.RAL(index), low);
        Flush();
        Ew32(Reg.RAH(index), high);
        Flush();
    }

    /// <summary>Programs RAR[0] with the station address and clears the rest (e1000e_init_rx_addrs).</summary>
    public void InitRxAddrs(int rarCount)
    {
        RarSet(Mac.Addr, 0);
        Span<byte> zero = stackalloc byte[6];
        for (int i = 1; i < rarCount; i++) RarSet(zero, i);
    }

    /// <summary>
    /// The multicast table index of <paramref name="addr"/> (e1000_hash_mc_addr): 12 bits taken from the last two octets,
    /// where which bits depends on the filter type (RCTL.MO); the driver uses type 0.
    /// </summary>
    public uint HashMcAddr(ReadOnlySpan<byte> addr)
    {
        int hashMask = (Mac.MtaRegCount * 32) - 1;
        int filterType = 0;
        while (hashMask >> filterType > 0xFFF) filterType++;
        uint hash = filterType switch
        {
            0 => (uint)((addr[4] >> 4) | (addr[5] << 4)),
            1 => (uint)((addr[4] >> 3) | (addr[5] << 5)),
            2 => (uint)((addr[4] >> 2) | (addr[5] << 6)),
            _ => (uint)(addr[4] | (addr[5] << 8)),
        };
        return hash & (uint)hashMask;
    }

    /// <summary>Rebuilds the multicast table from <paramref name="list"/> (6 bytes per address) (e1000e_update_mc_addr_list_generic).</summary>
    public void UpdateMcAddrList(ReadOnlySpan<byte> list, int count)
    {
        Array.Clear(Mac.MtaShadow);
        for (int i = 0; i < count; i++)
        {
            uint hash = HashMcAddr(list.Slice(i * 6, 6));
            int reg = (int)((hash >> 5) & (uint)(Mac.MtaRegCount - 1));
            int bit = (int)(hash & 0x1F);
            Mac.MtaShadow[reg] |= 1u << bit;
        }
        // Write the whole table back; the hardware table is write-only in effect.
        for (int i = Mac.MtaRegCount - 1; i >= 0; i--) Ew32Array(Reg.MTA, i, Mac.MtaShadow[i]);
        Flush();
    }

    /// <summary>Zeroes the multicast table.</summary>
    public void ClearMta()
    {
        for (int i = 0; i < Mac.MtaRegCount; i++)
        {
            Mac.MtaShadow[i] = 0;
            Ew32Array(Reg.MTA, i, 0);
        }
    }

    /// <summary>Zeroes the VLAN filter table.</summary>
    public void ClearVfta()
    {
        for (int i = 0; i < 128; i++) Ew32Array(Reg.VFTA, i, 0);
        Flush();
    }

    /// <summary>Reads (and so clears) every statistics register (e1000_clear_hw_cntrs_base).</summary>
    public void ClearHwCounters()
    {
        for (uint reg = Reg.CRCERRS; reg <= Reg.TSCTFC; reg += 4) Er32(reg);
    }

    /// <summary>
    /// Checks for link on copper (e1000e_check_for_copper_link): if the MAC was told link might have changed, ask the
    /// PHY; on link up, configure the collision distance and flow control to match the partner.
    /// </summary>
    public bool CheckForCopperLink()
    {
        if (!Mac.GetLinkStatus) return true;
        bool link = PhyHasLink(1, 0);
        if (!link) return false;
        Mac.GetLinkStatus = false;
        ConfigCollisionDistance();
        ConfigFcAfterLinkUp();
        return true;
    }

    /// <summary>Speed and duplex from STATUS (e1000e_get_speed_and_duplex_copper).</summary>
    public (int Speed, bool FullDuplex) GetSpeedAndDuplex()
    {
        uint status = Er32(Reg.STATUS);
        int speed = (status & Bits.STATUS_SPEED_1000) != 0 ? 1000 : (status & Bits.STATUS_SPEED_100) != 0 ? 100 : 10;
        return (speed, (status & Bits.STATUS_FD) != 0);
    }

    /// <summary>Sets the collision distance in TCTL (e1000e_config_collision_dist_generic).</summary>
    public void ConfigCollisionDistance()
    {
        uint tctl = Er32(Reg.TCTL);
        tctl &= ~Bits.TCTL_COLD;
        tctl |= 0x3Fu << Bits.TCTL_COLD_SHIFT;
        Ew32(Reg.TCTL, tctl);
        Flush();
    }

    /// <summary>Resolves flow control from both sides' pause bits (e1000e_config_fc_after_link_up), IEEE 802.3 annex 28B.</summary>
    public void ConfigFcAfterLinkUp()
    {
        ushort local = ReadPhyReg(PhyReg.AUTONEG_ADV);
        ushort partner = ReadPhyReg(PhyReg.LP_ABILITY);
        bool localPause = (local & PhyReg.NWAY_AR_PAUSE) != 0, localAsm = (local & PhyReg.NWAY_AR_ASM_DIR) != 0;
        bool partnerPause = (partner & PhyReg.NWAY_AR_PAUSE) != 0, partnerAsm = (partner & PhyReg.NWAY_AR_ASM_DIR) != 0;
        if (localPause && partnerPause)
            Fc.CurrentMode = Fc.RequestedMode == FcMode.Full ? FcMode.Full : FcMode.RxPause;
        else if (!localPause && localAsm && partnerPause && partnerAsm)
            Fc.CurrentMode = FcMode.TxPause;
        else if (localPause && localAsm && !partnerPause && partnerAsm)
            Fc.CurrentMode = FcMode.RxPause;
        else
            Fc.CurrentMode = FcMode.None;
        var (_, fullDuplex) = GetSpeedAndDuplex();
        if (!fullDuplex) Fc.CurrentMode = FcMode.None;
        ForceMacFc();
    }

    /// <summary>Programs CTRL.RFCE/TFCE for the resolved flow-control mode (e1000e_force_mac_fc).</summary>
    public void ForceMacFc()
    {
        uint ctrl = Er32(Reg.CTRL);
        ctrl = Fc.CurrentMode switch
        {
            FcMode.None => ctrl & ~(Bits.CTRL_TFCE | Bits.CTRL_RFCE),
            FcMode.RxPause => (ctrl & ~Bits.CTRL_TFCE) | Bits.CTRL_RFCE,
            FcMode.TxPause => (ctrl & ~Bits.CTRL_RFCE) | Bits.CTRL_TFCE,
            FcMode.Full => ctrl | Bits.CTRL_TFCE | Bits.CTRL_RFCE,
            _ => throw new E1000Exception("Flow control param set incorrectly"),
        };
        Ew32(Reg.CTRL, ctrl);
    }

    /// <summary>Chooses the requested flow-control mode from NVM and programs the pause registers (e1000e_setup_link_generic).</summary>
    public void SetupFlowControl()
    {
        if (Fc.RequestedMode == FcMode.Default)
        {
            ushort word = ReadNvmWord(Bits.NVM_INIT_CONTROL2_REG);
            Fc.RequestedMode = (word & Bits.NVM_WORD0F_PAUSE_MASK) switch
            {
                0 => FcMode.None,
                Bits.NVM_WORD0F_ASM_DIR => FcMode.TxPause,
                _ => FcMode.Full,
            };
        }
        Fc.CurrentMode = Fc.RequestedMode;
        // 802.3x pause frame type and destination.
        Ew32(Reg.FCT, 0x8808);
        Ew32(Reg.FCAH, 0x0100);
        Ew32(Reg.FCAL, 0x00C2_8001);
        Ew32(Reg.FCTTV, Fc.PauseTime);
        uint pba = Er32(Reg.PBA) & 0xFFFF;
        Fc.HighWater = (pba << 10) - (uint)Mac.MaxFrameSize * 2;
        Fc.LowWater = Fc.HighWater - 1500;
        Ew32(Reg.FCRTL, Fc.SendXon ? Fc.LowWater | 0x8000_0000 : Fc.LowWater);
        Ew32(Reg.FCRTH, Fc.HighWater);
    }

    /// <summary>Adaptive inter-frame spacing (e1000e_update_adaptive_generic): widen IPG under heavy collisions.</summary>
    public void UpdateAdaptiveIfs()
    {
        if (!Mac.AdaptiveIfs) return;
        if (Mac.CollisionDelta * Mac.IfsRatio > Mac.TxPacketDelta)
        {
            if (Mac.TxPacketDelta > 1000)
            {
                Mac.InIfsMode = true;
                if (Mac.CurrentIfsVal < Mac.IfsMaxVal)
                {
                    Mac.CurrentIfsVal = Mac.CurrentIfsVal == 0 ? Mac.IfsMinVal : (ushort)(Mac.CurrentIfsVal + Mac.IfsStepSize);
                    Ew32(0x0458 /* AIT */, Mac.CurrentIfsVal);
                }
            }
        }
        else if (Mac.InIfsMode && Mac.TxPacketDelta <= 1000)
        {
            Mac.CurrentIfsVal = 0;
            Mac.InIfsMode = false;
            Ew32(0x0458, 0);
        }
    }

    /// <summary>Blinks or sets the LEDs (e1000e_led_on_generic / off / cleanup).</summary>
    public void LedOn() => Ew32(Reg.LEDCTL, Mac.LedCtlMode2);

    /// <summary>Turns the LEDs off.</summary>
    public void LedOff() => Ew32(Reg.LEDCTL, Mac.LedCtlMode1);

    /// <summary>Restores the LED defaults.</summary>
    public void LedCleanup() => Ew32(Reg.LEDCTL, Mac.LedCtlDefault);

    /// <summary>Disables PCIe mastering before reset and waits for outstanding requests (e1000e_disable_pcie_master).</summary>
    public void DisablePcieMaster()
    {
        SetBits(Reg.CTRL, Bits.CTRL_GIO_MASTER_DISABLE);
        for (int timeout = 800; timeout > 0; timeout--)
        {
            if ((Er32(Reg.STATUS) & Bits.STATUS_GIO_MASTER_ENABLE) == 0) return;
            Kernel.Udelay(100);
        }
        Log(LogLevel.Warning, "Master requests are pending");
    }

    /// <summary>Waits for the post-reset NVM auto-read to finish (e1000e_get_auto_rd_done).</summary>
    public void GetAutoReadDone()
    {
        if (!PollSet(Reg.EECD, Bits.EECD_AUTO_RD, 10, 1000)) throw new E1000Exception("Auto read by HW from NVM has not completed");
    }
}
