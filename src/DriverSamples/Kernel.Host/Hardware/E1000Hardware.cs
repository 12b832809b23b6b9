using Kernel.Net;
using Kernel.Pci;
using static Kernel.Hardware.E1000Registers;

namespace Kernel.Hardware;

/// <summary>
/// A behavioural model of an e1000e-class NIC behind one PCI function. Its registers live in the function's BAR0
/// (unmanaged memory the driver stores to); this class reacts to posted writes and register reads the way the
/// silicon does: reset, EEPROM reads via EERD, PHY access via MDIC, interrupt cause/mask with ITR throttling,
/// descriptor-ring DMA on tail writes, receive filtering, checksum offload, loopback and statistics.
/// </summary>
public sealed unsafe partial class E1000Hardware : IMmioModel, IInterruptSource
{
    /// <summary>Autonegotiation time in simulated nanoseconds.</summary>
    public const long AutonegNs = 1_000_000;

    private readonly PciDevice pci;
    private readonly MmioBar bar;
    private readonly DmaAllocator dma;
    private readonly ushort[] eeprom;
    private long now;
    private long linkUpAtNs = long.MaxValue;
    private long lastAssertNs = long.MinValue / 2;
    private uint icr;
    private uint ims;
    private bool asserted;
    private long systimBase;
    private long systimBaseNs;
    private uint timinca;

    /// <summary>Attaches a model to <paramref name="pci"/> (which must have a BAR0) using <paramref name="dma"/> for bus-master access.</summary>
    public E1000Hardware(PciDevice pci, DmaAllocator dma, MacAddress mac, uint phyId)
    {
        this.pci = pci;
        bar = pci.Bar0 ?? throw new ArgumentException("The function has no BAR0.", nameof(pci));
        this.dma = dma;
        eeprom = E1000Eeprom.Build(mac, pci.DeviceId);
        Phy = new E1000Phy(phyId);
        Phy.AutonegRestarted += () => linkUpAtNs = now + AutonegNs;
        bar.Model = this;
        pci.InterruptSource = this;
        PowerOnReset();
    }

    /// <summary>The PHY.</summary>
    public E1000Phy Phy { get; }

    /// <summary>The EEPROM image (tests corrupt it to exercise the driver's checksum check).</summary>
    public ushort[] Eeprom => eeprom;

    /// <inheritdoc/>
    public bool InterruptAsserted => asserted;

    /// <summary>Frames sent to the wire (not looped back).</summary>
    public Action<ReadOnlySpan<byte>>? WireTransmit { get; set; }

    /// <summary>How many interrupts were asserted.</summary>
    public long InterruptsAsserted { get; private set; }

    /// <summary>How many interrupt assertions ITR deferred.</summary>
    public long InterruptsThrottled { get; private set; }

    /// <summary>Bus-master accesses outside any mapped DMA window (IOMMU faults).</summary>
    public long DmaFaults { get; private set; }

    /// <inheritdoc/>
    public void OnWrite(uint offset)
    {
        ref uint reg = ref bar.Register(offset);
        uint v = reg;
        switch (offset)
        {
            case Ctrl:
                if ((v & CtrlRst) != 0)
                {
                    MacReset();
                    return;
                }
                if ((v & CtrlPhyRst) != 0)
                {
                    reg = v & ~CtrlPhyRst;
                    Phy.Reset();
                    SetLink(false);
                }
                if ((v & CtrlSlu) != 0 && !Phy.LinkUp && linkUpAtNs == long.MaxValue) linkUpAtNs = now + AutonegNs;
                break;
            case Eerd:
                if ((v & EerdStart) != 0)
                {
                    uint address = (v >> (int)EerdAddrShift) & 0x3FFF;
                    uint data = address < eeprom.Length ? eeprom[address] : 0xFFFFu;
                    reg = (data << (int)EerdDataShift) | (address << (int)EerdAddrShift) | EerdDone;
                }
                break;
            case Mdic:
                DoMdio(ref reg, v);
                break;
            case Ics:
                RaiseCause(v);
                break;
            case Ims:
                ims |= v;
                reg = ims;
                Evaluate();
                break;
            case Imc:
                ims &= ~v;
                bar.Register(Ims) = ims;
                reg = 0;
                if ((icr & ims) == 0) asserted = false;
                break;
            case Icr:
                icr &= ~v; // write-1-to-clear
                reg = icr;
                if ((icr & ims) == 0) asserted = false;
                break;
            case Tdt:
                if ((bar.Register(Tctl) & TctlEn) != 0) ProcessTransmit();
                break;
            case Rdt:
            case Rctl:
                DrainReceiveFifo();
                break;
            case Timinca:
                systimBase = ReadSystim();
                systimBaseNs = now;
                timinca = v;
                break;
            case Systiml:
            case Systimh:
                systimBase = ((long)bar.Register(Systimh) << 32) | bar.Register(Systiml);
                systimBaseNs = now;
                break;
        }
    }

    /// <inheritdoc/>
    public uint OnRead(uint offset)
    {
        ref uint reg = ref bar.Register(offset);
        switch (offset)
        {
            case Icr:
            {
                uint value = icr | (asserted ? IcrIntAsserted : 0);
                icr = 0;
                reg = 0;
                asserted = false;
                return value;
            }
            case Swsm:
            {
                uint value = reg;
                reg |= SwsmSmbi; // reading grants the hardware semaphore to the first reader
                return value;
            }
            case Systiml:
            {
                long systim = ReadSystim();
                bar.Register(Systimh) = (uint)(systim >> 32); // latched for the following SYSTIMH read
                return (uint)systim;
            }
            case Systimh:
                return reg;
        }
        if (offset >= StatsStart && offset < StatsEnd)
        {
            uint value = reg; // statistics are clear-on-read
            reg = 0;
            return value;
        }
        return reg;
    }

    /// <inheritdoc/>
    public void Tick(long nowNs)
    {
        now = Math.Max(now, nowNs);
        if (now >= linkUpAtNs)
        {
            linkUpAtNs = long.MaxValue;
            Phy.CompleteAutoneg();
            SetLink(Phy.LinkUp);
        }
        DrainReceiveFifo();
        if (!asserted && (icr & ims) != 0) Evaluate();
    }

    /// <summary>Sets cause bits in ICR and asserts the line if they are unmasked and ITR allows.</summary>
    private void RaiseCause(uint cause)
    {
        icr |= cause & ~IcrIntAsserted;
        bar.Register(Icr) = icr;
        Evaluate();
    }

    private void Evaluate()
    {
        if (asserted || (icr & ims) == 0) return;
        long intervalNs = (bar.Register(Itr) & 0xFFFF) * 256L;
        if (now - lastAssertNs < intervalNs)
        {
            InterruptsThrottled++;
            return; // Tick() asserts once the interval has passed.
        }
        asserted = true;
        lastAssertNs = now;
        InterruptsAsserted++;
    }

    private void DoMdio(ref uint reg, uint v)
    {
        if ((v & (MdicOpRead | MdicOpWrite)) == 0) return;
        int phyAddress = (int)((v >> (int)MdicPhyShift) & 0x1F);
        int phyReg = (int)((v >> (int)MdicRegShift) & 0x1F);
        uint result = v & ~(MdicOpRead | MdicOpWrite | 0xFFFFu);
        if (phyAddress != 1)
        {
            result |= MdicError;
        }
        else if ((v & MdicOpRead) != 0)
        {
            result |= Phy.Read(phyReg);
        }
        else
        {
            Phy.Write(phyReg, (ushort)v);
            result |= v & 0xFFFF;
            if (!Phy.LinkUp) SetLink(false);
        }
        reg = result | MdicReady;
        if ((v & MdicIntEn) != 0) RaiseCause(IcrMdac);
    }

    private void SetLink(bool up)
    {
        ref uint status = ref bar.Register(Status);
        uint before = status;
        status = up ? status | StatusLu | StatusFd | StatusSpeed1000 : status & ~(StatusLu | StatusSpeed1000 | StatusSpeed100);
        if (status != before) RaiseCause(IcrLsc);
    }

    private void PowerOnReset()
    {
        NativeMemoryClear();
        MacReset();
    }

    /// <summary>CTRL.RST: the MAC returns to defaults, re-reads the station address from NVM; the PHY keeps the link.</summary>
    private void MacReset()
    {
        bool link = Phy.LinkUp;
        for (uint off = 0; off < 0x5000; off += 4)
            if (off < StatsStart || off >= StatsEnd) bar.Register(off) = 0;
        for (uint i = 0; i < RarCount * 2; i++) bar.Register(Ral0 + 4 * i) = 0;
        icr = ims = 0;
        asserted = false;
        ResetQueues();
        bar.Register(Ral0) = eeprom[0] | ((uint)eeprom[1] << 16);
        bar.Register(Rah0) = eeprom[2] | RahAv;
        bar.Register(Eecd) = EecdAutoRd | EecdPres;
        bar.Register(Status) = link ? StatusLu | StatusFd | StatusSpeed1000 : 0;
        bar.Register(Pba) = 0x0014_0030;
        bar.Register(Fwsm) = pci.DeviceId == DeviceIch8IgpMAmt ? 2u << (int)FwsmModeShift : 0;
        bar.Register(Manc) = 0;
    }

    private void NativeMemoryClear()
    {
        for (uint off = 0; off + 4 <= bar.Length; off += 4) bar.Register(off) = 0;
    }

    private long ReadSystim()
    {
        uint inc = timinca;
        long period = (inc >> 24) * 16L;
        long value = inc & 0xFFFFFF;
        if (period == 0) return systimBase;
        return systimBase + (now - systimBaseNs) / period * value;
    }
}
