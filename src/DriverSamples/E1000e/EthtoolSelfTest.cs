using Kernel;
using Kernel.Pci;

namespace E1000e;

// ethtool -t (ethtool.c: e1000_reg_test, e1000_eeprom_test, e1000_intr_test, e1000_loopback_test, e1000_link_test).
public sealed unsafe partial class E1000Adapter
{
    private const int LoopbackFrames = 64;
    private const int LoopbackFrameSize = 1024;

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, ulong Result)> SelfTest(bool offline)
    {
        var results = new (string Name, ulong Result)[5];
        results[0] = ("Register test  (offline)", 0);
        results[1] = ("Eeprom test    (offline)", 0);
        results[2] = ("Interrupt test (offline)", 0);
        results[3] = ("Loopback test  (offline)", 0);
        results[4] = ("Link test   (on/offline)", LinkTest());
        if (!offline) return results;

        bool wasUp = Opened;
        if (wasUp) Close();
        State |= AdapterState.Testing;
        try
        {
            results[0].Result = RegisterTest();
            Reset();
            results[1].Result = EepromTest();
            results[2].Result = InterruptTest();
            Reset();
            results[3].Result = LoopbackTest();
        }
        finally
        {
            State &= ~AdapterState.Testing;
            Reset();
            if (wasUp) Open();
        }
        return results;
    }

    private ulong LinkTest() => (Hw.Er32(Reg.STATUS) & Bits.STATUS_LU) != 0 ? 0UL : 1UL;

    private ulong EepromTest() => Hw.ValidateNvmChecksum() ? 0UL : 2UL;

    /// <summary>Writes patterns to read/write registers and reads them back; returns the failing offset + 1, or 0.</summary>
    private ulong RegisterTest()
    {
        ReadOnlySpan<uint> patterns = [0x5A5A_5A5A, 0xA5A5_A5A5, 0x0000_0000, 0xFFFF_FFFF];
        (uint Reg, uint Mask)[] registers =
        [
            (Reg.RDTR, 0x0000_FFFF), (Reg.RDBAH, 0xFFFF_FFFF), (Reg.RDBAL, 0xFFFF_FFF0), (Reg.RDLEN, 0x000F_FF80),
            (Reg.FCAL, 0xFFFF_FFFF), (Reg.FCAH, 0x0000_FFFF), (Reg.FCT, 0x0000_FFFF), (Reg.VET, 0x0000_FFFF),
            (Reg.TDBAH, 0xFFFF_FFFF), (Reg.TDBAL, 0xFFFF_FFF0), (Reg.TDLEN, 0x000F_FF80), (Reg.TIDV, 0x0000_FFFF),
        ];
        foreach (var (reg, mask) in registers)
        {
            uint saved = Hw.Er32(reg);
            foreach (uint pattern in patterns)
            {
                Hw.Ew32(reg, pattern & mask);
                if ((Hw.Er32(reg) & mask) != (pattern & mask))
                {
                    Hw.Log(LogLevel.Error, $"pattern test failed (reg 0x{reg:X5}): got 0x{Hw.Er32(reg):X8} expected 0x{pattern & mask:X8}");
                    return reg + 1;
                }
            }
            Hw.Ew32(reg, saved);
        }
        // Receive address and multicast tables.
        for (int i = 1; i < Hw.Mac.RarEntryCount; i++)
        {
            foreach (uint pattern in patterns)
            {
                Hw.Ew32(Reg.RAL(i), pattern);
                Hw.Ew32(Reg.RAH(i), pattern & 0x8003_FFFF);
                if (Hw.Er32(Reg.RAL(i)) != pattern || Hw.Er32(Reg.RAH(i)) != (pattern & 0x8003_FFFF)) return Reg.RAL(i) + 1;
            }
            Hw.Ew32(Reg.RAH(i), 0);
            Hw.Ew32(Reg.RAL(i), 0);
        }
        for (int i = 0; i < Hw.Mac.MtaRegCount; i++)
        {
            Hw.Ew32Array(Reg.MTA, i, 0xFFFF_FFFF ^ (uint)i);
            if (Hw.Er32Array(Reg.MTA, i) != (0xFFFF_FFFF ^ (uint)i)) return Reg.MTA + (uint)(i * 4) + 1;
        }
        Hw.ClearMta();
        return 0;
    }

    /// <summary>
    /// Checks every cause bit is latched in ICR when masked (without asserting the line) and asserts it when unmasked.
    /// </summary>
    private ulong InterruptTest()
    {
        ReadOnlySpan<uint> causes = [Bits.ICR_TXDW, Bits.ICR_TXQE, Bits.ICR_LSC, Bits.ICR_RXSEQ, Bits.ICR_RXDMT0, Bits.ICR_RXO, Bits.ICR_RXT0];
        Hw.Ew32(Reg.ITR, 0);
        IrqDisable();
        Hw.Er32(Reg.ICR);
        foreach (uint cause in causes)
        {
            Hw.Ew32(Reg.IMC, 0xFFFF_FFFF);
            Hw.Ew32(Reg.ICS, cause);
            uint icr = Hw.Er32(Reg.ICR);
            if ((icr & cause) == 0) return 1;
            if ((icr & Bits.ICR_INT_ASSERTED) != 0) return 2;
            Hw.Ew32(Reg.IMS, cause);
            Hw.Ew32(Reg.ICS, cause);
            icr = Hw.Er32(Reg.ICR);
            if ((icr & cause) == 0 || (icr & Bits.ICR_INT_ASSERTED) == 0) return 3;
            Hw.Ew32(Reg.IMC, cause);
        }
        IrqDisable();
        return 0;
    }

    /// <summary>
    /// MAC loopback: set up small test rings, send frames with a known pattern, and check each comes back intact
    /// on the receive ring (e1000_setup_desc_rings + e1000_run_loopback_test).
    /// </summary>
    private ulong LoopbackTest()
    {
        TxRing.Setup(Kernel, Owner, LoopbackFrames + 8);
        RxRing.Setup(Kernel, Owner, LoopbackFrames + 8, RxBufferLen, Hw.Ops.UsesExtendedRx);
        Hw.Pdev.WriteConfig16(PciDevice.CommandOffset, (ushort)(Hw.Pdev.ReadConfig16(PciDevice.CommandOffset) | PciDevice.CommandMemory | PciDevice.CommandBusMaster));
        bool savedLoopback = LoopbackEnabled;
        ulong result = 0;
        try
        {
            ConfigureTx();
            LoopbackEnabled = true;
            SetupRctl();
            ConfigureRx();
            AllocRxBuffers(RxRing.Unused);
            for (int k = 0; k < LoopbackFrames; k++)
            {
                byte* slot = TxRing.Buffers + (long)k * TxRing.SlotSize;
                CreateLbTestFrame(new Span<byte>(slot, LoopbackFrameSize), k);
                ref TxDesc desc = ref TxRing.Desc[k];
                desc.BufferAddr = TxRing.SlotDma(k);
                desc.Length = LoopbackFrameSize;
                desc.Cmd = Bits.TXD_CMD_EOP | Bits.TXD_CMD_IFCS | Bits.TXD_CMD_RS;
                desc.Status = 0;
            }
            TxRing.NextToUse = LoopbackFrames;
            Hw.Ew32(Reg.TDT, LoopbackFrames);
            int good = 0;
            for (int k = 0; k < LoopbackFrames; k++)
            {
                if ((TxRing.Desc[k].Status & Bits.TXD_STAT_DD) == 0) return 12;
                bool done;
                int length;
                if (RxRing.Extended)
                {
                    ref RxDescExtended ext = ref RxRing.Ext(k);
                    done = (ext.WbStatusError & Bits.RXD_STAT_DD) != 0;
                    length = ext.WbLength;
                }
                else
                {
                    ref RxDescLegacy legacy = ref RxRing.Legacy(k);
                    done = (legacy.Status & Bits.RXD_STAT_DD) != 0;
                    length = legacy.Length;
                }
                if (done && length == LoopbackFrameSize && CheckLbTestFrame(new ReadOnlySpan<byte>((void*)RxRing.BufferInfo[k].Cpu, length), k)) good++;
            }
            result = good == LoopbackFrames ? 0UL : 13UL;
        }
        finally
        {
            LoopbackEnabled = savedLoopback;
            Hw.ClearBits(Reg.RCTL, Bits.RCTL_EN | Bits.RCTL_LBM_MASK);
            Hw.ClearBits(Reg.TCTL, Bits.TCTL_EN);
            CleanTxRing();
            CleanRxRing();
            TxRing.Free(Kernel);
            RxRing.Free(Kernel);
        }
        return result;
    }

    private static void CreateLbTestFrame(Span<byte> frame, int sequence)
    {
        frame.Fill(0xFF);
        int half = frame.Length / 2;
        frame.Slice(half).Fill(0xAA);
        frame[half + 10] = 0xBE;
        frame[half + 12] = 0xAF;
        frame[half + 14] = (byte)sequence;
    }

    private static bool CheckLbTestFrame(ReadOnlySpan<byte> frame, int sequence)
    {
        int half = frame.Length / 2;
        return frame[3] == 0xFF && frame[half + 10] == 0xBE && frame[half + 12] == 0xAF && frame[half + 14] == (byte)sequence;
    }
}
