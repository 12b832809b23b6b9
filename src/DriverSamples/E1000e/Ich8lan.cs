using Kernel;

namespace E1000e;

/// <summary>
/// ICH8 LAN-on-motherboard specifics (ich8lan.c): the EXTCNF_CTRL software flag serialises access with firmware,
/// AMT manageability is present, the IGP3 PHY needs a reset workaround and smart-speed setup, and the MAC uses
/// extended receive descriptors.
/// </summary>
public sealed class Ich8lanVariant : MacVariant
{
    private int swflagDepth;

    public Ich8lanVariant(E1000Hw hw) : base(hw) { }

    /// <inheritdoc/>
    public override string Name => "ICH8";

    /// <inheritdoc/>
    public override bool UsesExtendedRx => true;

    /// <inheritdoc/>
    public override void GetVariants()
    {
        Hw.Mac.Type = MacType.Ich8lan;
        Hw.Mac.MtaRegCount = 32;
        Hw.Mac.RarEntryCount = 7;
        Hw.Mac.HasFwsm = true;
        Hw.Mac.AsfFirmwarePresent = true;
        Hw.Mac.ArcSubsystemValid = true;
        Hw.Mac.ExtendedRxDescriptors = true;
        Hw.Mac.AdaptiveIfs = true;
        Hw.Phy.Type = PhyType.Igp3;
        Hw.Phy.ResetDelayUs = 100;
        Hw.Nvm.WordSize = 64;
    }

    /// <summary>Takes the software flag (e1000_acquire_swflag_ich8lan): wait for it free, set it, verify it stuck.</summary>
    public override void AcquireNvm()
    {
        if (swflagDepth++ > 0) return;
        for (int timeout = 0; timeout < 100; timeout++)
        {
            uint extcnf = Hw.Er32(Reg.EXTCNF_CTRL);
            if ((extcnf & Bits.EXTCNF_CTRL_SWFLAG) == 0)
            {
                Hw.Ew32(Reg.EXTCNF_CTRL, extcnf | Bits.EXTCNF_CTRL_SWFLAG);
                if ((Hw.Er32(Reg.EXTCNF_CTRL) & Bits.EXTCNF_CTRL_SWFLAG) != 0) return;
            }
            Hw.Kernel.Udelay(1000);
        }
        swflagDepth = 0;
        throw new E1000Exception("Failed to acquire the semaphore, FW or HW has it");
    }

    /// <inheritdoc/>
    public override void ReleaseNvm()
    {
        if (--swflagDepth > 0) return;
        swflagDepth = 0;
        Hw.ClearBits(Reg.EXTCNF_CTRL, Bits.EXTCNF_CTRL_SWFLAG);
    }

    /// <inheritdoc/>
    public override void AcquirePhy() => AcquireNvm();

    /// <inheritdoc/>
    public override void ReleasePhy() => ReleaseNvm();

    /// <inheritdoc/>
    public override void ResetHw()
    {
        // The software flag is dropped across the reset: the reset itself clears EXTCNF_CTRL.
        base.ResetHw();
        swflagDepth = 0;
        if (!Hw.CheckMngMode())
        {
            // Without firmware owning the PHY, reset it too so that its configuration is reloaded (PHY reset workaround).
            Hw.PhyHardwareReset();
        }
    }

    /// <inheritdoc/>
    public override void InitHw()
    {
        base.InitHw();
        // Set the transmit descriptor write-back granularity and disable NFS filtering, as ich8lan does.
        Hw.Ew32(Reg.RFCTL, Hw.Er32(Reg.RFCTL) | Bits.RFCTL_NFSW_DIS);
    }

    /// <inheritdoc/>
    protected override void CopperLinkSetup()
    {
        Hw.CopperLinkSetupIgp();
        Hw.Log(LogLevel.Debug, "IGP3 PHY: smart speed " + (Hw.Phy.SmartSpeed ? "on" : "off"));
    }
}
