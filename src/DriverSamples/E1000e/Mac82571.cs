using Kernel;

namespace E1000e;

/// <summary>
/// 82571/82572/82574 specifics (82571.c): the SWSM software/firmware semaphore around NVM access, a reset that takes
/// the semaphore, TARC workarounds, and for 82574 the BM PHY and extended receive descriptors.
/// </summary>
public sealed class Mac82571Variant : MacVariant
{
    private readonly MacType type;
    private int semaphoreDepth;

    public Mac82571Variant(E1000Hw hw, MacType type) : base(hw) => this.type = type;

    /// <inheritdoc/>
    public override string Name => type == MacType.Mac82574 ? "82574L" : "82571EB";

    /// <inheritdoc/>
    public override bool UsesExtendedRx => type == MacType.Mac82574;

    /// <inheritdoc/>
    public override void GetVariants()
    {
        Hw.Mac.Type = type;
        Hw.Mac.MtaRegCount = 128;
        Hw.Mac.RarEntryCount = type == MacType.Mac82574 ? 16 : 15;
        Hw.Mac.HasFwsm = true;
        Hw.Mac.AsfFirmwarePresent = true;
        Hw.Mac.ArcSubsystemValid = false;
        Hw.Mac.ExtendedRxDescriptors = UsesExtendedRx;
        Hw.Phy.Type = type == MacType.Mac82574 ? PhyType.Bm : PhyType.M88;
        Hw.Phy.ResetDelayUs = 100;
        Hw.Nvm.WordSize = 64;
        Hw.Nvm.DelayUs = 1;
    }

    /// <summary>Acquires the SWSM semaphore (e1000_get_hw_semaphore_82571): SMBI by read, then SWESMBI by write-and-verify.</summary>
    public override void AcquireNvm()
    {
        if (semaphoreDepth++ > 0) return;
        int i;
        for (i = 0; i < 200; i++)
        {
            if ((Hw.Er32(Reg.SWSM) & Bits.SWSM_SMBI) == 0) break;
            Hw.Kernel.Udelay(50);
        }
        if (i == 200)
        {
            semaphoreDepth = 0;
            throw new E1000Exception("Driver can't access device - SMBI bit is set.");
        }
        for (i = 0; i < 200; i++)
        {
            Hw.Ew32(Reg.SWSM, Hw.Er32(Reg.SWSM) | Bits.SWSM_SWESMBI);
            if ((Hw.Er32(Reg.SWSM) & Bits.SWSM_SWESMBI) != 0) return;
            Hw.Kernel.Udelay(50);
        }
        ReleaseSemaphore();
        semaphoreDepth = 0;
        throw new E1000Exception("Driver can't access the NVM");
    }

    /// <inheritdoc/>
    public override void ReleaseNvm()
    {
        if (--semaphoreDepth > 0) return;
        semaphoreDepth = 0;
        ReleaseSemaphore();
    }

    /// <inheritdoc/>
    public override void AcquirePhy() => AcquireNvm();

    /// <inheritdoc/>
    public override void ReleasePhy() => ReleaseNvm();

    private void ReleaseSemaphore()
    {
        uint swsm = Hw.Er32(Reg.SWSM);
        Hw.Ew32(Reg.SWSM, swsm & ~(Bits.SWSM_SMBI | Bits.SWSM_SWESMBI));
    }

    /// <inheritdoc/>
    public override void ResetHw()
    {
        AcquireNvm();
        try
        {
            base.ResetHw();
        }
        finally
        {
            // The reset cleared SWSM, but release anyway so our bookkeeping matches.
            ReleaseNvm();
        }
        if (type == MacType.Mac82571) Hw.Ew32(Reg.TARC0, Hw.Er32(Reg.TARC0) | (1u << 23) | (1u << 24) | (1u << 25) | (1u << 26));
    }

    /// <inheritdoc/>
    public override void InitHw()
    {
        base.InitHw();
        // 82571 errata: relaxed ordering must be off for descriptor write-back to be seen in order.
        Hw.SetBits(Reg.CTRL_EXT, Bits.CTRL_EXT_RO_DIS);
        if (type == MacType.Mac82574) Hw.Ew32(Reg.RXDCTL, Bits.RXDCTL_DMA_BURST_ENABLE);
    }

    /// <inheritdoc/>
    protected override void CopperLinkSetup()
    {
        if (Hw.Phy.Type == PhyType.M88)
        {
            Hw.CopperLinkSetupM88();
            return;
        }
        // BM PHY: same register model as M88 for what we touch, plus the port-control page for the wakeup registers.
        ushort data = Hw.ReadPhyReg(PhyReg.M88_PHY_SPEC_CTRL);
        data |= PhyReg.M88_PSCR_AUTO_X_MODE;
        Hw.WritePhyReg(PhyReg.M88_PHY_SPEC_CTRL, data);
        Hw.Log(LogLevel.Debug, "BM PHY configured for auto MDI-X");
    }
}
