using Kernel;

namespace E1000e;

// NVM access through the EEPROM Read Register (nvm.c): write START with the word address, poll DONE, take DATA.
public sealed unsafe partial class E1000Hw
{
    /// <summary>Reads <paramref name="count"/> words starting at <paramref name="offset"/> via EERD (e1000e_read_nvm_eerd).</summary>
    public void ReadNvmEerd(int offset, int count, Span<ushort> data)
    {
        if (offset < 0 || count <= 0 || offset + count > Nvm.WordSize)
            throw new E1000Exception($"NVM parameter(s) out of bounds: offset {offset} count {count}");
        Ops.AcquireNvm();
        try
        {
            for (int i = 0; i < count; i++)
            {
                uint eerd = ((uint)(offset + i) << Bits.EERD_ADDR_SHIFT) | Bits.EERD_START;
                Ew32(Reg.EERD, eerd);
                if (!PollEerdDone()) throw new E1000Exception($"NVM read of word {offset + i} timed out");
                data[i] = (ushort)(Er32(Reg.EERD) >> Bits.EERD_DATA_SHIFT);
                Nvm.Reads++;
            }
        }
        finally
        {
            Ops.ReleaseNvm();
        }
    }

    /// <summary>Reads one NVM word.</summary>
    public ushort ReadNvmWord(int offset)
    {
        Span<ushort> word = stackalloc ushort[1];
        ReadNvmEerd(offset, 1, word);
        return word[0];
    }

    private bool PollEerdDone()
    {
        for (int i = 0; i < Nvm.PollAttempts; i++)
        {
            if ((Er32(Reg.EERD) & Bits.EERD_DONE) != 0) return true;
            Kernel.Udelay(5);
        }
        return false;
    }

    /// <summary>
    /// Sums words 0x00..0x3F; the image is valid when the sum is NVM_SUM (0xBABA) (e1000e_validate_nvm_checksum_generic).
    /// The words are kept in the shadow copy for later lookups.
    /// </summary>
    public bool ValidateNvmChecksum()
    {
        ushort checksum = 0;
        ReadNvmEerd(0, Bits.NVM_CHECKSUM_REG + 1, Nvm.Shadow.AsSpan(0, Bits.NVM_CHECKSUM_REG + 1));
        for (int i = 0; i <= Bits.NVM_CHECKSUM_REG; i++) checksum += Nvm.Shadow[i];
        Nvm.ShadowValid = checksum == Bits.NVM_SUM;
        if (!Nvm.ShadowValid) Log(LogLevel.Error, $"NVM checksum invalid: sum 0x{checksum:X4}, expected 0x{Bits.NVM_SUM:X4}");
        return Nvm.ShadowValid;
    }

    /// <summary>Checks the init-control signature bits (15:14 must be 01b).</summary>
    public bool ValidateNvmSignature()
    {
        ushort word = ReadNvmWord(Bits.NVM_INIT_CONTROL1_REG);
        return (word & Bits.NVM_INIT_CTRL1_SIG_MASK) == Bits.NVM_INIT_CTRL1_SIG_VALID;
    }

    /// <summary>Reads the permanent station address from NVM words 0..2 (e1000_read_mac_addr_generic).</summary>
    public void ReadMacAddrFromNvm()
    {
        Span<ushort> words = stackalloc ushort[3];
        ReadNvmEerd(0, 3, words);
        for (int i = 0; i < 3; i++)
        {
            Mac.PermAddr[i * 2] = (byte)words[i];
            Mac.PermAddr[i * 2 + 1] = (byte)(words[i] >> 8);
        }
        // A dual-port part flips the last bit for function 1; we are always function 0.
        Mac.PermAddr.AsSpan().CopyTo(Mac.Addr);
    }

    /// <summary>Formats the printed board assembly number (e1000_read_pba_string_generic).</summary>
    public string ReadPbaString()
    {
        ushort high = ReadNvmWord(Bits.NVM_PBA_OFFSET_0);
        ushort low = ReadNvmWord(Bits.NVM_PBA_OFFSET_1);
        Span<char> pba = stackalloc char[11];
        uint value = ((uint)high << 16) | low;
        for (int i = 0; i < 6; i++) pba[i] = HexDigit((int)(value >> (28 - 4 * i)) & 0xF);
        pba[6] = '-';
        for (int i = 0; i < 3; i++) pba[7 + i] = HexDigit((int)(value >> (4 - 4 * Math.Min(i, 1))) & 0xF);
        pba[10] = '0';
        return new string(pba);
    }

    /// <summary>Reads the LED defaults from NVM (e1000e_id_led_init_generic).</summary>
    public void IdLedInit()
    {
        ushort data = ReadNvmWord(Bits.NVM_ID_LED_SETTINGS);
        if (data == 0 || data == 0xFFFF) data = 0x8918;
        Mac.LedCtlDefault = Er32(Reg.LEDCTL);
        Mac.LedCtlMode1 = Mac.LedCtlDefault;
        Mac.LedCtlMode2 = Mac.LedCtlDefault;
        for (int i = 0; i < 4; i++)
        {
            int temp = (data >> (i << 2)) & 0xF;
            int shift = i << 3;
            switch (temp)
            {
                case 0x4: // ID_LED_ON1_DEF2
                case 0x5:
                case 0x6:
                    Mac.LedCtlMode1 = (Mac.LedCtlMode1 & ~(0xFFu << shift)) | (Bits.LEDCTL_MODE_LED_ON << shift);
                    break;
                case 0x7:
                case 0x8:
                case 0x9:
                    Mac.LedCtlMode1 = (Mac.LedCtlMode1 & ~(0xFFu << shift)) | (Bits.LEDCTL_MODE_LED_OFF << shift);
                    break;
                default:
                    break;
            }
            Mac.LedCtlMode2 = (temp & 1) != 0
                ? (Mac.LedCtlMode2 & ~(0xFFu << shift)) | (Bits.LEDCTL_MODE_LED_ON << shift)
                : (Mac.LedCtlMode2 & ~(0xFFu << shift)) | (Bits.LEDCTL_MODE_LED_OFF << shift);
        }
    }

    private static char HexDigit(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
}
