namespace Kernel.Hardware;

/// <summary>
/// Register offsets and bits of the e1000/e1000e family, as the hardware model implements them. The driver carries
/// its own copy (its Defines.cs), exactly as Linux drivers carry their own register headers.
/// </summary>
public static class E1000Registers
{
#pragma warning disable CS1591 // The names are the datasheet's; each is documented there.
    public const uint Ctrl = 0x0000, Status = 0x0008, Eecd = 0x0010, Eerd = 0x0014, CtrlExt = 0x0018, Mdic = 0x0020;
    public const uint Fcal = 0x0028, Fcah = 0x002C, Fct = 0x0030, Vet = 0x0038, Fcttv = 0x0170;
    public const uint Icr = 0x00C0, Itr = 0x00C4, Ics = 0x00C8, Ims = 0x00D0, Imc = 0x00D8, Iam = 0x00E0;
    public const uint Rctl = 0x0100, Tctl = 0x0400, Tipg = 0x0410, Ledctl = 0x0E00, ExtcnfCtrl = 0x0F00, Pba = 0x1000;
    public const uint Rdbal = 0x2800, Rdbah = 0x2804, Rdlen = 0x2808, Rdh = 0x2810, Rdt = 0x2818, Rdtr = 0x2820;
    public const uint Rxdctl = 0x2828, Radv = 0x282C;
    public const uint Tdbal = 0x3800, Tdbah = 0x3804, Tdlen = 0x3808, Tdh = 0x3810, Tdt = 0x3818, Tidv = 0x3820;
    public const uint Txdctl = 0x3828, Tadv = 0x382C;
    public const uint StatsStart = 0x4000, StatsEnd = 0x4100;
    public const uint Crcerrs = 0x4000, Mpc = 0x4010, Colc = 0x4028, Gprc = 0x4074, Bprc = 0x4078, Mprc = 0x407C;
    public const uint Gptc = 0x4080, Gorcl = 0x4088, Gorch = 0x408C, Gotcl = 0x4090, Gotch = 0x4094, Rnbc = 0x40A0;
    public const uint Tpr = 0x40D0, Tpt = 0x40D4;
    public const uint Rxcsum = 0x5000, Rfctl = 0x5008, Mta = 0x5200, Ral0 = 0x5400, Rah0 = 0x5404, Vfta = 0x5600;
    public const uint Manc = 0x5820, Swsm = 0x5B50, Fwsm = 0x5B54;
    public const uint Systiml = 0xB600, Systimh = 0xB604, Timinca = 0xB608, Tsyncrxctl = 0xB620;
    public const int MtaCount = 128, RarCount = 16;

    public const uint CtrlFd = 0x1, CtrlAsde = 0x20, CtrlSlu = 0x40, CtrlRst = 0x0400_0000, CtrlRfce = 0x0800_0000;
    public const uint CtrlTfce = 0x1000_0000, CtrlPhyRst = 0x8000_0000;
    public const uint StatusFd = 0x1, StatusLu = 0x2, StatusTxoff = 0x10, StatusSpeed100 = 0x40, StatusSpeed1000 = 0x80;
    public const uint EecdAutoRd = 0x200, EecdPres = 0x100;
    public const uint EerdStart = 0x1, EerdDone = 0x2, EerdAddrShift = 2, EerdDataShift = 16;
    public const uint MdicRegShift = 16, MdicPhyShift = 21, MdicOpWrite = 0x0400_0000, MdicOpRead = 0x0800_0000;
    public const uint MdicReady = 0x1000_0000, MdicIntEn = 0x2000_0000, MdicError = 0x4000_0000;
    public const uint IcrTxdw = 0x1, IcrTxqe = 0x2, IcrLsc = 0x4, IcrRxseq = 0x8, IcrRxdmt0 = 0x10, IcrRxo = 0x40;
    public const uint IcrRxt0 = 0x80, IcrMdac = 0x200, IcrIntAsserted = 0x8000_0000;
    public const uint RctlEn = 0x2, RctlSbp = 0x4, RctlUpe = 0x8, RctlMpe = 0x10, RctlLpe = 0x20, RctlLbmMac = 0x40;
    public const uint RctlLbmMask = 0xC0, RctlMoShift = 12, RctlBam = 0x8000, RctlSzMask = 0x30000, RctlBsex = 0x0200_0000;
    public const uint RctlSecrc = 0x0400_0000;
    public const uint RxcsumIpofl = 0x100, RxcsumTuofl = 0x200, RxcsumPcssMask = 0xFF, RfctlExsten = 0x8000;
    public const uint TctlEn = 0x2, TctlPsp = 0x8;
    public const uint RahAv = 0x8000_0000;
    public const uint SwsmSmbi = 0x1, SwsmSwesmbi = 0x2, ExtcnfSwflag = 0x20;
    public const uint FwsmModeMask = 0xE, FwsmModeShift = 1;

    // Descriptor layout (16 bytes each).
    public const byte TxCmdEop = 0x01, TxCmdIfcs = 0x02, TxCmdIc = 0x04, TxCmdRs = 0x08, TxCmdDext = 0x20, TxCmdIde = 0x80;
    public const byte TxStatusDd = 0x01;
    public const byte RxStatusDd = 0x01, RxStatusEop = 0x02, RxStatusIxsm = 0x04, RxStatusUdpcs = 0x10;
    public const byte RxStatusTcpcs = 0x20, RxStatusIpcs = 0x40;
    public const byte RxErrorTcpe = 0x20, RxErrorIpe = 0x40, RxErrorRxe = 0x80;
#pragma warning restore CS1591

    /// <summary>The Intel vendor id.</summary>
    public const ushort IntelVendorId = 0x8086;
    /// <summary>82571EB copper.</summary>
    public const ushort Device82571EB = 0x105E;
    /// <summary>82574L.</summary>
    public const ushort Device82574L = 0x10D3;
    /// <summary>ICH8 IGP_M_AMT.</summary>
    public const ushort DeviceIch8IgpMAmt = 0x1049;
}
