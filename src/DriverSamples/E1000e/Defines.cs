namespace E1000e;

// Register offsets and bit definitions, after drivers/net/ethernet/intel/e1000e/defines.h and regs.h. The driver keeps
// its own copy of the hardware contract rather than sharing the host model's, as a real driver would.
#pragma warning disable CS1591

/// <summary>Register offsets (regs.h).</summary>
public static class Reg
{
    public const uint CTRL = 0x0000, STATUS = 0x0008, EECD = 0x0010, EERD = 0x0014, CTRL_EXT = 0x0018, MDIC = 0x0020;
    public const uint FCAL = 0x0028, FCAH = 0x002C, FCT = 0x0030, VET = 0x0038, FCTTV = 0x0170, FCRTL = 0x2160, FCRTH = 0x2168;
    public const uint ICR = 0x00C0, ITR = 0x00C4, ICS = 0x00C8, IMS = 0x00D0, IMC = 0x00D8, IAM = 0x00E0;
    public const uint RCTL = 0x0100, TCTL = 0x0400, TIPG = 0x0410, LEDCTL = 0x0E00, EXTCNF_CTRL = 0x0F00, PBA = 0x1000;
    public const uint RDBAL = 0x2800, RDBAH = 0x2804, RDLEN = 0x2808, RDH = 0x2810, RDT = 0x2818, RDTR = 0x2820;
    public const uint RXDCTL = 0x2828, RADV = 0x282C;
    public const uint TDBAL = 0x3800, TDBAH = 0x3804, TDLEN = 0x3808, TDH = 0x3810, TDT = 0x3818, TIDV = 0x3820;
    public const uint TXDCTL = 0x3828, TADV = 0x382C, TARC0 = 0x3840;
    public const uint CRCERRS = 0x4000, ALGNERRC = 0x4004, SYMERRS = 0x4008, RXERRC = 0x400C, MPC = 0x4010, SCC = 0x4014;
    public const uint ECOL = 0x4018, MCC = 0x401C, LATECOL = 0x4020, COLC = 0x4028, DC = 0x4030, TNCRS = 0x4034;
    public const uint RLEC = 0x4040, XONRXC = 0x4048, XONTXC = 0x404C, XOFFRXC = 0x4050, XOFFTXC = 0x4054, FCRUC = 0x4058;
    public const uint PRC64 = 0x405C, PRC127 = 0x4060, GPRC = 0x4074, BPRC = 0x4078, MPRC = 0x407C, GPTC = 0x4080;
    public const uint GORCL = 0x4088, GORCH = 0x408C, GOTCL = 0x4090, GOTCH = 0x4094, RNBC = 0x40A0, RUC = 0x40A4;
    public const uint RFC = 0x40A8, ROC = 0x40AC, RJC = 0x40B0, TORL = 0x40C0, TORH = 0x40C4, TOTL = 0x40C8, TOTH = 0x40CC;
    public const uint TPR = 0x40D0, TPT = 0x40D4, MPTC = 0x40F0, BPTC = 0x40F4, TSCTC = 0x40F8, TSCTFC = 0x40FC;
    public const uint RXCSUM = 0x5000, RFCTL = 0x5008, MTA = 0x5200, RAL0 = 0x5400, RAH0 = 0x5404, VFTA = 0x5600;
    public const uint WUC = 0x5800, MANC = 0x5820, SWSM = 0x5B50, FWSM = 0x5B54, HICR = 0x8F00;
    public const uint SYSTIML = 0xB600, SYSTIMH = 0xB604, TIMINCA = 0xB608, TSYNCRXCTL = 0xB620, TSYNCTXCTL = 0xB614;

    public static uint RAL(int i) => RAL0 + (uint)(i * 8);
    public static uint RAH(int i) => RAH0 + (uint)(i * 8);
}

/// <summary>Bit definitions (defines.h).</summary>
public static class Bits
{
    public const uint CTRL_FD = 0x1, CTRL_GIO_MASTER_DISABLE = 0x4, CTRL_LRST = 0x8, CTRL_ASDE = 0x20, CTRL_SLU = 0x40;
    public const uint CTRL_ILOS = 0x80, CTRL_SPD_SEL = 0x300, CTRL_SPD_1000 = 0x200, CTRL_FRCSPD = 0x800, CTRL_FRCDPX = 0x1000;
    public const uint CTRL_RST = 0x0400_0000, CTRL_RFCE = 0x0800_0000, CTRL_TFCE = 0x1000_0000, CTRL_VME = 0x4000_0000;
    public const uint CTRL_PHY_RST = 0x8000_0000;
    public const uint STATUS_FD = 0x1, STATUS_LU = 0x2, STATUS_TXOFF = 0x10, STATUS_SPEED_100 = 0x40, STATUS_SPEED_1000 = 0x80;
    public const uint STATUS_GIO_MASTER_ENABLE = 0x80000;
    public const uint EECD_PRES = 0x100, EECD_AUTO_RD = 0x200;
    public const uint EERD_START = 0x1, EERD_DONE = 0x2;
    public const int EERD_ADDR_SHIFT = 2, EERD_DATA_SHIFT = 16;
    public const uint MDIC_DATA_MASK = 0xFFFF, MDIC_OP_WRITE = 0x0400_0000, MDIC_OP_READ = 0x0800_0000;
    public const uint MDIC_READY = 0x1000_0000, MDIC_INT_EN = 0x2000_0000, MDIC_ERROR = 0x4000_0000;
    public const int MDIC_REG_SHIFT = 16, MDIC_PHY_SHIFT = 21;
    public const uint ICR_TXDW = 0x1, ICR_TXQE = 0x2, ICR_LSC = 0x4, ICR_RXSEQ = 0x8, ICR_RXDMT0 = 0x10, ICR_RXO = 0x40;
    public const uint ICR_RXT0 = 0x80, ICR_MDAC = 0x200, ICR_INT_ASSERTED = 0x8000_0000;
    public const uint IMS_ENABLE_MASK = ICR_RXT0 | ICR_TXDW | ICR_RXDMT0 | ICR_RXSEQ | ICR_LSC | ICR_RXO;
    public const uint RCTL_EN = 0x2, RCTL_SBP = 0x4, RCTL_UPE = 0x8, RCTL_MPE = 0x10, RCTL_LPE = 0x20;
    public const uint RCTL_LBM_NO = 0x0, RCTL_LBM_MAC = 0x40, RCTL_LBM_MASK = 0xC0, RCTL_RDMTS_HALF = 0x0;
    public const int RCTL_MO_SHIFT = 12;
    public const uint RCTL_MO_MASK = 0x3000, RCTL_BAM = 0x8000, RCTL_SZ_2048 = 0x0, RCTL_SZ_1024 = 0x10000;
    public const uint RCTL_SZ_MASK = 0x30000, RCTL_BSEX = 0x0200_0000, RCTL_SECRC = 0x0400_0000, RCTL_DTYP_PS = 0x400;
    public const uint RXCSUM_IPOFL = 0x100, RXCSUM_TUOFL = 0x200, RFCTL_EXTEN = 0x8000, RFCTL_NFSW_DIS = 0x40;
    public const uint TCTL_EN = 0x2, TCTL_PSP = 0x8, TCTL_CT = 0xFF0, TCTL_COLD = 0x3FF000, TCTL_RTLC = 0x0100_0000;
    public const int TCTL_CT_SHIFT = 4, TCTL_COLD_SHIFT = 12;
    public const uint TXDCTL_GRAN = 0x0100_0000, TXDCTL_FULL_TX_DESC_WB = 0x0101_0000, TXDCTL_COUNT_DESC = 0x0040_0000;
    public const uint RXDCTL_DMA_BURST_ENABLE = 0x0100_0000 | 0x0004_0000 | 0x0020;
    public const uint RAH_AV = 0x8000_0000;
    public const uint SWSM_SMBI = 0x1, SWSM_SWESMBI = 0x2, SWSM_DRV_LOAD = 0x8;
    public const uint EXTCNF_CTRL_SWFLAG = 0x20;
    public const uint FWSM_MODE_MASK = 0xE, FWSM_MODE_SHIFT = 1, ICH_MNG_IAMT_MODE = 2;
    public const uint MANC_ARP_EN = 0x2000, MANC_RCV_TCO_EN = 0x20000, MANC_EN_MNG2HOST = 0x0020_0000, MANC_SMBUS_EN = 0x1;
    public const uint CTRL_EXT_DRV_LOAD = 0x1000_0000, CTRL_EXT_RO_DIS = 0x20000, CTRL_EXT_EIAME = 0x0100_0000;
    public const uint LEDCTL_MODE_LED_ON = 0xE, LEDCTL_MODE_LED_OFF = 0xF, LEDCTL_LED0_MODE_MASK = 0xF;
    public const uint TIPG_IPGT_COPPER = 8, TIPG_IPGR1 = 8 << 10, TIPG_IPGR2 = 6 << 20;

    // Transmit descriptor command and status (legacy format).
    public const byte TXD_CMD_EOP = 0x01, TXD_CMD_IFCS = 0x02, TXD_CMD_IC = 0x04, TXD_CMD_RS = 0x08, TXD_CMD_DEXT = 0x20;
    public const byte TXD_CMD_IDE = 0x80, TXD_STAT_DD = 0x01;

    // Receive descriptor status and errors (legacy byte layout; extended keeps errors in bits 31:24).
    public const byte RXD_STAT_DD = 0x01, RXD_STAT_EOP = 0x02, RXD_STAT_IXSM = 0x04, RXD_STAT_VP = 0x08;
    public const byte RXD_STAT_UDPCS = 0x10, RXD_STAT_TCPCS = 0x20, RXD_STAT_IPCS = 0x40;
    public const byte RXD_ERR_CE = 0x01, RXD_ERR_SE = 0x02, RXD_ERR_SEQ = 0x04, RXD_ERR_CXE = 0x10, RXD_ERR_TCPE = 0x20;
    public const byte RXD_ERR_IPE = 0x40, RXD_ERR_RXE = 0x80;
    public const byte RXD_ERR_FRAME_ERR_MASK = RXD_ERR_CE | RXD_ERR_SE | RXD_ERR_SEQ | RXD_ERR_CXE | RXD_ERR_RXE;
    public const uint RXDEXT_STATERR_IPE = 0x4000_0000, RXDEXT_STATERR_TCPE = 0x2000_0000;
    public const uint RXDEXT_ERR_FRAME_ERR_MASK = 0x9700_0000;

    // NVM.
    public const ushort NVM_SUM = 0xBABA;
    public const int NVM_CHECKSUM_REG = 0x3F, NVM_INIT_CONTROL1_REG = 0x0A, NVM_INIT_CONTROL2_REG = 0x0F, NVM_INIT_CONTROL3_PORT_A = 0x14;
    public const int NVM_PBA_OFFSET_0 = 8, NVM_PBA_OFFSET_1 = 9, NVM_ID_LED_SETTINGS = 0x04, NVM_DEV_ID = 0x0D;
    public const ushort NVM_WORD0F_PAUSE_MASK = 0x3000, NVM_WORD0F_PAUSE = 0x1000, NVM_WORD0F_ASM_DIR = 0x2000;
    public const ushort NVM_COMPAT_VALID_CSUM = 0x0001, NVM_INIT_CTRL1_SIG_MASK = 0xC000, NVM_INIT_CTRL1_SIG_VALID = 0x4000;

    // Interrupt throttling.
    public const int ITR_LOWEST_LATENCY = 70000, ITR_LOW_LATENCY = 20000, ITR_BULK_LATENCY = 4000;
}

/// <summary>PHY register numbers and bits (phy.h).</summary>
public static class PhyReg
{
    public const int CONTROL = 0, STATUS = 1, ID1 = 2, ID2 = 3, AUTONEG_ADV = 4, LP_ABILITY = 5, AUTONEG_EXP = 6;
    public const int NEXT_PAGE_TX = 7, LP_NEXT_PAGE = 8, GBIT_CONTROL = 9, GBIT_STATUS = 10, EXT_STATUS = 15;
    public const int M88_PHY_SPEC_CTRL = 0x10, M88_PHY_SPEC_STATUS = 0x11, M88_EXT_PHY_SPEC_CTRL = 0x14;
    public const int IGP_PORT_CONFIG = 0x19, IGP_PHY_PAGE_SELECT = 0x1F, BM_PORT_CTRL_PAGE = 0x16;

    public const ushort MII_CR_RESET = 0x8000, MII_CR_LOOPBACK = 0x4000, MII_CR_SPEED_SELECT_LSB = 0x2000;
    public const ushort MII_CR_AUTO_NEG_EN = 0x1000, MII_CR_POWER_DOWN = 0x0800, MII_CR_RESTART_AUTO_NEG = 0x0200;
    public const ushort MII_CR_FULL_DUPLEX = 0x0100, MII_CR_SPEED_SELECT_MSB = 0x0040;
    public const ushort MII_SR_LINK_STATUS = 0x0004, MII_SR_AUTONEG_COMPLETE = 0x0020, MII_SR_EXTENDED_CAPS = 0x0001;
    public const ushort NWAY_AR_10T_HD_CAPS = 0x0020, NWAY_AR_10T_FD_CAPS = 0x0040, NWAY_AR_100TX_HD_CAPS = 0x0080;
    public const ushort NWAY_AR_100TX_FD_CAPS = 0x0100, NWAY_AR_PAUSE = 0x0400, NWAY_AR_ASM_DIR = 0x0800, NWAY_AR_SELECTOR = 0x0001;
    public const ushort CR_1000T_HD_CAPS = 0x0100, CR_1000T_FD_CAPS = 0x0200, CR_1000T_MS_ENABLE = 0x1000;
    public const ushort SR_1000T_LOCAL_RX_STATUS = 0x2000, SR_1000T_REMOTE_RX_STATUS = 0x1000, SR_1000T_IDLE_ERROR_CNT = 0x00FF;
    public const ushort M88_PSCR_AUTO_X_MODE = 0x0060, M88_PSCR_POLARITY_REVERSAL = 0x0002, M88_PSCR_ASSERT_CRS_ON_TX = 0x0800;
    public const ushort M88_PSSR_LINK = 0x0400, M88_PSSR_SPEED_1000 = 0x8000, M88_PSSR_DPLX = 0x2000, M88_PSSR_REV_POLARITY = 0x0002;

    public const ushort ADVERTISE_10_HALF = 0x1, ADVERTISE_10_FULL = 0x2, ADVERTISE_100_HALF = 0x4, ADVERTISE_100_FULL = 0x8;
    public const ushort ADVERTISE_1000_FULL = 0x20, AUTONEG_ADVERTISE_SPEED_DEFAULT = 0x2F;

    public const uint M88E1111_I_PHY_ID = 0x0141_0CC0, BME1000_E_PHY_ID = 0x0141_0CB0, IGP03E1000_E_PHY_ID = 0x02A8_0390;
    public const uint PHY_REVISION_MASK = 0xFFFF_FFF0;
}
#pragma warning restore CS1591
