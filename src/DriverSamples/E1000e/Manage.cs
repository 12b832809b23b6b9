namespace E1000e;

// Manageability (manage.c): firmware modes, the driver-loaded handshake and MANC packet filtering.
public sealed unsafe partial class E1000Hw
{
    /// <summary>Whether manageability firmware (AMT/ASF) owns part of the NIC (e1000e_check_mng_mode_generic).</summary>
    public bool CheckMngMode()
    {
        if (!Mac.HasFwsm) return false;
        uint fwsm = Er32(Reg.FWSM);
        return ((fwsm & Bits.FWSM_MODE_MASK) >> (int)Bits.FWSM_MODE_SHIFT) == Bits.ICH_MNG_IAMT_MODE;
    }

    /// <summary>Whether the firmware wants receive traffic forwarded to the host (e1000e_enable_mng_pass_thru).</summary>
    public bool EnableMngPassThru()
    {
        if (!Mac.AsfFirmwarePresent) return false;
        uint manc = Er32(Reg.MANC);
        if ((manc & Bits.MANC_RCV_TCO_EN) == 0) return false;
        return CheckMngMode();
    }

    /// <summary>Tells firmware the driver has loaded (e1000e_get_hw_control).</summary>
    public void GetHwControl()
    {
        if (Mac.Type == MacType.Mac82571)
            SetBits(Reg.SWSM, Bits.SWSM_DRV_LOAD);
        else
            SetBits(Reg.CTRL_EXT, Bits.CTRL_EXT_DRV_LOAD);
    }

    /// <summary>Tells firmware the driver is unloading (e1000e_release_hw_control).</summary>
    public void ReleaseHwControl()
    {
        if (Mac.Type == MacType.Mac82571)
            ClearBits(Reg.SWSM, Bits.SWSM_DRV_LOAD);
        else
            ClearBits(Reg.CTRL_EXT, Bits.CTRL_EXT_DRV_LOAD);
    }

    /// <summary>Stops firmware intercepting ARP while the driver runs (e1000_init_manageability_pt).</summary>
    public void InitManageability()
    {
        if (!Mac.AsfFirmwarePresent) return;
        uint manc = Er32(Reg.MANC);
        manc &= ~Bits.MANC_ARP_EN;
        manc |= Bits.MANC_EN_MNG2HOST;
        Ew32(Reg.MANC, manc);
    }

    /// <summary>Gives ARP back to firmware on unload (e1000_release_manageability).</summary>
    public void ReleaseManageability()
    {
        if (!Mac.AsfFirmwarePresent) return;
        uint manc = Er32(Reg.MANC);
        manc |= Bits.MANC_ARP_EN;
        manc &= ~Bits.MANC_EN_MNG2HOST;
        Ew32(Reg.MANC, manc);
    }
}
