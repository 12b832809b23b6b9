using Kernel.Net;

namespace E1000e;

// Receive filtering (e1000e_set_rx_mode) and MAC loopback.
public sealed unsafe partial class E1000Adapter
{
    /// <inheritdoc/>
    public void SetRxMode(IReadOnlyList<MacAddress> multicast, bool promiscuous)
    {
        Promiscuous = promiscuous;
        McCount = multicast.Count;
        if (McList.Length < multicast.Count * 6) McList = new byte[multicast.Count * 6];
        for (int i = 0; i < multicast.Count; i++) multicast[i].Write(McList.AsSpan(i * 6, 6));

        uint rctl = Hw.Er32(Reg.RCTL);
        if (promiscuous) rctl |= Bits.RCTL_UPE | Bits.RCTL_MPE;
        else rctl &= ~(Bits.RCTL_UPE | Bits.RCTL_MPE);
        Hw.Ew32(Reg.RCTL, rctl);
        Rctl = (Rctl & ~(Bits.RCTL_UPE | Bits.RCTL_MPE)) | (rctl & (Bits.RCTL_UPE | Bits.RCTL_MPE));
        Hw.UpdateMcAddrList(McList, McCount);
    }

    private List<MacAddress> McListSnapshot()
    {
        var list = new List<MacAddress>(McCount);
        for (int i = 0; i < McCount; i++) list.Add(MacAddress.Read(McList.AsSpan(i * 6, 6)));
        return list;
    }

    /// <inheritdoc/>
    public void SetLoopback(bool enabled)
    {
        LoopbackEnabled = enabled;
        uint rctl = Hw.Er32(Reg.RCTL) & ~Bits.RCTL_LBM_MASK;
        if (enabled) rctl |= Bits.RCTL_LBM_MAC;
        Rctl = (Rctl & ~Bits.RCTL_LBM_MASK) | (rctl & Bits.RCTL_LBM_MASK);
        Hw.Ew32(Reg.RCTL, rctl);
    }
}
