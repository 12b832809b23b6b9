using Kernel;

namespace E1000e;

/// <summary>
/// The MAC/PHY/NVM operations that differ between families (struct e1000_mac_operations and friends). The generic
/// sequence lives here; 82571.cs and Ich8lan.cs override the steps their silicon does differently.
/// </summary>
public abstract class MacVariant
{
    protected readonly E1000Hw Hw;

    protected MacVariant(E1000Hw hw) => Hw = hw;

    /// <summary>The PCI device ids the driver binds to (e1000_pci_tbl).</summary>
    public static readonly ushort[] PciTable = [0x105E, 0x105F, 0x10D3, 0x1049, 0x104A, 0x104B];

    /// <summary>Picks the variant for a device id.</summary>
    public static MacVariant For(ushort deviceId, E1000Hw hw) => deviceId switch
    {
        0x105E or 0x105F => new Mac82571Variant(hw, MacType.Mac82571),
        0x10D3 => new Mac82571Variant(hw, MacType.Mac82574),
        0x1049 or 0x104A or 0x104B => new Ich8lanVariant(hw),
        _ => throw new E1000Exception($"Unsupported device id 0x{deviceId:X4}"),
    };

    /// <summary>Fills MAC/PHY/NVM parameters (e1000_get_variants_*).</summary>
    public abstract void GetVariants();

    /// <summary>Takes the NVM semaphore.</summary>
    public virtual void AcquireNvm() { }

    /// <summary>Releases the NVM semaphore.</summary>
    public virtual void ReleaseNvm() { }

    /// <summary>Takes the PHY semaphore.</summary>
    public virtual void AcquirePhy() { }

    /// <summary>Releases the PHY semaphore.</summary>
    public virtual void ReleasePhy() { }

    /// <summary>Resets the MAC (e1000_reset_hw_*).</summary>
    public virtual void ResetHw()
    {
        Hw.DisablePcieMaster();
        Hw.Ew32(Reg.IMC, 0xFFFF_FFFF);
        Hw.Ew32(Reg.RCTL, 0);
        Hw.Ew32(Reg.TCTL, Bits.TCTL_PSP);
        Hw.Flush();
        Hw.Kernel.Udelay(10_000);
        Hw.Ew32(Reg.CTRL, Hw.Er32(Reg.CTRL) | Bits.CTRL_RST);
        Hw.Kernel.Udelay(1_000);
        Hw.GetAutoReadDone();
        Hw.Ew32(Reg.IMC, 0xFFFF_FFFF);
        Hw.Er32(Reg.ICR);
    }

    /// <summary>Initialises the MAC after reset (e1000_init_hw_*).</summary>
    public virtual void InitHw()
    {
        Hw.IdLedInit();
        Hw.ClearVfta();
        Hw.InitRxAddrs(Hw.Mac.RarEntryCount);
        Hw.ClearMta();
        SetupLink();
        Hw.Ew32(Reg.TXDCTL, Bits.TXDCTL_FULL_TX_DESC_WB | Bits.TXDCTL_COUNT_DESC);
        Hw.ClearHwCounters();
    }

    /// <summary>Flow control plus copper setup (e1000e_setup_link_generic).</summary>
    public virtual void SetupLink()
    {
        Hw.SetupFlowControl();
        SetupPhysicalInterface();
    }

    /// <summary>Forces link up in the MAC and lets the PHY negotiate (e1000e_setup_copper_link).</summary>
    public virtual void SetupPhysicalInterface()
    {
        uint ctrl = Hw.Er32(Reg.CTRL);
        ctrl |= Bits.CTRL_SLU;
        ctrl &= ~(Bits.CTRL_FRCSPD | Bits.CTRL_FRCDPX);
        Hw.Ew32(Reg.CTRL, ctrl);
        CopperLinkSetup();
        if (Hw.Mac.Autoneg)
        {
            if (!Hw.CopperLinkAutoneg(waitForCompletion: true)) Hw.Log(LogLevel.Info, "Link not up after autonegotiation (will be checked by watchdog)");
        }
        if (Hw.PhyHasLink(1, 0))
        {
            Hw.ConfigCollisionDistance();
            Hw.ConfigFcAfterLinkUp();
            Hw.Mac.GetLinkStatus = false;
        }
    }

    /// <summary>PHY-family specific copper setup.</summary>
    protected abstract void CopperLinkSetup();

    /// <summary>Checks for link (mac.ops.check_for_link).</summary>
    public virtual bool CheckForLink() => Hw.CheckForCopperLink();

    /// <summary>Whether the family uses extended receive descriptors.</summary>
    public virtual bool UsesExtendedRx => false;

    /// <summary>A readable name for logs.</summary>
    public abstract string Name { get; }
}
