namespace Kernel.Hardware;

/// <summary>
/// The copper PHY behind MDIO: 32 16-bit registers with IEEE 802.3 clause 22 semantics for the ones drivers use
/// (BMCR reset and autonegotiation restart, BMSR link and autoneg-complete, ids, advertisement, partner ability).
/// </summary>
public sealed class E1000Phy
{
#pragma warning disable CS1591
    public const int Bmcr = 0, Bmsr = 1, PhyId1 = 2, PhyId2 = 3, Advertise = 4, Lpa = 5, Ctrl1000 = 9, Stat1000 = 10;
    public const int SpecCtrl = 0x10, SpecStatus = 0x11, PortConfig = 0x19;
    public const ushort BmcrReset = 0x8000, BmcrLoopback = 0x4000, BmcrAnEnable = 0x1000, BmcrAnRestart = 0x0200;
    public const ushort BmcrFullDuplex = 0x0100, BmcrSpeed1000 = 0x0040;
    public const ushort BmsrLinkStatus = 0x0004, BmsrAnComplete = 0x0020, BmsrCaps = 0x7949;
    public const ushort SpecStatusLink = 0x0400, SpecStatusSpeed1000 = 0x8000, SpecStatusFullDuplex = 0x2000;
#pragma warning restore CS1591

    private readonly ushort[] regs = new ushort[32];

    /// <summary>Creates a PHY that reports <paramref name="phyId"/>.</summary>
    public E1000Phy(uint phyId)
    {
        PhyId = phyId;
        Reset();
    }

    /// <summary>The 32-bit PHY identifier (OUI, model, revision).</summary>
    public uint PhyId { get; }

    /// <summary>Whether a link partner is plugged in.</summary>
    public bool CablePresent { get; set; } = true;

    /// <summary>Whether the link is up.</summary>
    public bool LinkUp => (regs[Bmsr] & BmsrLinkStatus) != 0;

    /// <summary>Raised when the driver (re)starts autonegotiation.</summary>
    public event Action? AutonegRestarted;

    /// <summary>How many MDIO reads and writes happened.</summary>
    public long Accesses { get; private set; }

    /// <summary>Returns every register to its power-on value; the link drops.</summary>
    public void Reset()
    {
        Array.Clear(regs);
        regs[Bmcr] = BmcrAnEnable | BmcrFullDuplex | BmcrSpeed1000;
        regs[Bmsr] = BmsrCaps;
        regs[PhyId1] = (ushort)(PhyId >> 16);
        regs[PhyId2] = (ushort)PhyId;
        regs[Advertise] = 0x01E1;
        regs[Ctrl1000] = 0x0300;
        regs[SpecCtrl] = 0x0068;
    }

    /// <summary>An MDIO read.</summary>
    public ushort Read(int reg)
    {
        Accesses++;
        return regs[reg & 31];
    }

    /// <summary>An MDIO write.</summary>
    public void Write(int reg, ushort value)
    {
        Accesses++;
        reg &= 31;
        switch (reg)
        {
            case Bmcr:
                if ((value & BmcrReset) != 0)
                {
                    Reset();
                    return;
                }
                regs[Bmcr] = (ushort)(value & ~BmcrAnRestart);
                if ((value & (BmcrAnRestart | BmcrAnEnable)) != 0 && (value & BmcrAnRestart) != 0) RestartAutoneg();
                break;
            case Bmsr or PhyId1 or PhyId2 or Lpa or Stat1000 or SpecStatus:
                break; // read-only
            default:
                regs[reg] = value;
                break;
        }
    }

    /// <summary>Completes autonegotiation with a 1000/full partner (called by the MAC model when the timer expires).</summary>
    public void CompleteAutoneg()
    {
        if (!CablePresent) return;
        regs[Bmsr] |= BmsrLinkStatus | BmsrAnComplete;
        regs[Lpa] = 0x45E1;
        regs[Stat1000] = 0x3C00;
        regs[SpecStatus] = SpecStatusLink | SpecStatusSpeed1000 | SpecStatusFullDuplex;
    }

    private void RestartAutoneg()
    {
        regs[Bmsr] = BmsrCaps;
        regs[SpecStatus] = 0;
        AutonegRestarted?.Invoke();
    }
}
