namespace E1000e;

/// <summary>
/// Accumulated hardware statistics (struct e1000_hw_stats). The registers are clear-on-read; the watchdog adds them
/// here (e1000e_update_stats).
/// </summary>
public sealed class HwStats
{
    public ulong Crcerrs, Algnerrc, Symerrs, Rxerrc, Mpc, Scc, Ecol, Mcc, Latecol, Colc, Dc, Tncrs, Rlec;
    public ulong Xonrxc, Xontxc, Xoffrxc, Xofftxc, Fcruc, Prc64, Prc127, Gprc, Bprc, Mprc, Gptc, Gorc, Gotc;
    public ulong Rnbc, Ruc, Rfc, Roc, Rjc, Tor, Tot, Tpr, Tpt, Mptc, Bptc, Tsctc, Tsctfc;
    public long Updates;

    /// <summary>Reads every counter register once and accumulates it.</summary>
    public void Update(E1000Hw hw)
    {
        Crcerrs += hw.Er32(Reg.CRCERRS);
        Algnerrc += hw.Er32(Reg.ALGNERRC);
        Symerrs += hw.Er32(Reg.SYMERRS);
        Rxerrc += hw.Er32(Reg.RXERRC);
        Mpc += hw.Er32(Reg.MPC);
        Scc += hw.Er32(Reg.SCC);
        Ecol += hw.Er32(Reg.ECOL);
        Mcc += hw.Er32(Reg.MCC);
        Latecol += hw.Er32(Reg.LATECOL);
        Colc += hw.Er32(Reg.COLC);
        Dc += hw.Er32(Reg.DC);
        Tncrs += hw.Er32(Reg.TNCRS);
        Rlec += hw.Er32(Reg.RLEC);
        Xonrxc += hw.Er32(Reg.XONRXC);
        Xontxc += hw.Er32(Reg.XONTXC);
        Xoffrxc += hw.Er32(Reg.XOFFRXC);
        Xofftxc += hw.Er32(Reg.XOFFTXC);
        Fcruc += hw.Er32(Reg.FCRUC);
        Prc64 += hw.Er32(Reg.PRC64);
        Prc127 += hw.Er32(Reg.PRC127);
        Gprc += hw.Er32(Reg.GPRC);
        Bprc += hw.Er32(Reg.BPRC);
        Mprc += hw.Er32(Reg.MPRC);
        Gptc += hw.Er32(Reg.GPTC);
        // The 64-bit octet counters: low first, then high (reading high clears both).
        Gorc += hw.Er32(Reg.GORCL) + ((ulong)hw.Er32(Reg.GORCH) << 32);
        Gotc += hw.Er32(Reg.GOTCL) + ((ulong)hw.Er32(Reg.GOTCH) << 32);
        Rnbc += hw.Er32(Reg.RNBC);
        Ruc += hw.Er32(Reg.RUC);
        Rfc += hw.Er32(Reg.RFC);
        Roc += hw.Er32(Reg.ROC);
        Rjc += hw.Er32(Reg.RJC);
        Tor += hw.Er32(Reg.TORL) + ((ulong)hw.Er32(Reg.TORH) << 32);
        Tot += hw.Er32(Reg.TOTL) + ((ulong)hw.Er32(Reg.TOTH) << 32);
        Tpr += hw.Er32(Reg.TPR);
        Tpt += hw.Er32(Reg.TPT);
        Mptc += hw.Er32(Reg.MPTC);
        Bptc += hw.Er32(Reg.BPTC);
        Tsctc += hw.Er32(Reg.TSCTC);
        Tsctfc += hw.Er32(Reg.TSCTFC);
        Updates++;
    }
}
