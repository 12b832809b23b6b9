namespace E1000e;

/// <summary>The MAC families this driver supports (e1000_mac_type).</summary>
public enum MacType
{
    /// <summary>Unknown.</summary>
    Undefined = 0,
    /// <summary>82571EB.</summary>
    Mac82571,
    /// <summary>82574L.</summary>
    Mac82574,
    /// <summary>ICH8 LOM.</summary>
    Ich8lan,
}

/// <summary>PHY families (e1000_phy_type).</summary>
public enum PhyType
{
    /// <summary>Unknown.</summary>
    Unknown = 0,
    /// <summary>Marvell 88E1111.</summary>
    M88,
    /// <summary>BM (82574).</summary>
    Bm,
    /// <summary>IGP3 (ICH8).</summary>
    Igp3,
}

/// <summary>Flow control modes (e1000_fc_mode).</summary>
public enum FcMode
{
    /// <summary>No pause frames.</summary>
    None = 0,
    /// <summary>Honour received pause frames.</summary>
    RxPause,
    /// <summary>Send pause frames.</summary>
    TxPause,
    /// <summary>Both.</summary>
    Full,
    /// <summary>Read from NVM.</summary>
    Default = 0xFF,
}

/// <summary>Per-MAC state (struct e1000_mac_info).</summary>
public sealed class MacInfo
{
    public MacType Type;
    public readonly byte[] Addr = new byte[6];
    public readonly byte[] PermAddr = new byte[6];
    public readonly uint[] MtaShadow = new uint[128];
    public int MtaRegCount = 128;
    public int RarEntryCount = 16;
    public bool Autoneg = true;
    public bool GetLinkStatus = true;
    public bool AsfFirmwarePresent;
    public bool HasFwsm;
    public bool ArcSubsystemValid;
    public bool AdaptiveIfs = true;
    public ushort IfsMinVal = 40, IfsMaxVal = 80, IfsStepSize = 10, IfsRatio = 4, CurrentIfsVal;
    public uint LedCtlDefault, LedCtlMode1, LedCtlMode2;
    public uint TxPacketDelta, CollisionDelta;
    public bool InIfsMode;
    public bool SerdesHasLink;
    public bool ExtendedRxDescriptors;
    public int MaxFrameSize = 1518;
}

/// <summary>Per-PHY state (struct e1000_phy_info).</summary>
public sealed class PhyInfo
{
    public PhyType Type;
    public uint Id;
    public uint Revision;
    public uint Addr = 1;
    public ushort AutonegAdvertised = PhyReg.AUTONEG_ADVERTISE_SPEED_DEFAULT;
    public ushort AutonegMask = PhyReg.AUTONEG_ADVERTISE_SPEED_DEFAULT;
    public bool ResetDisable;
    public int ResetDelayUs = 100;
    public bool DisablePolarityCorrection;
    public bool PolarityCorrection = true;
    public bool SmartSpeed = true;
    public bool SpeedDowngraded;
    public byte MdiX = 0; // 0 = auto
    public ushort LocalRx, RemoteRx, IdleErrors;
    public readonly ushort[] RegCache = new ushort[32];
    public long Reads, Writes, Retries;
}

/// <summary>NVM state (struct e1000_nvm_info).</summary>
public sealed class NvmInfo
{
    public ushort WordSize = 64;
    public int DelayUs = 1;
    public int PollAttempts = 100_000;
    public readonly ushort[] Shadow = new ushort[64];
    public bool ShadowValid;
    public long Reads;
}

/// <summary>Flow control state (struct e1000_fc_info).</summary>
public sealed class FcInfo
{
    public FcMode RequestedMode = FcMode.Default;
    public FcMode CurrentMode;
    public ushort PauseTime = 0xFFFF;
    public ushort RefreshTime = 0x1000;
    public uint HighWater, LowWater;
    public bool SendXon = true;
    public bool StrictIeee;
}
