using Kernel.Net;

namespace Kernel.Hardware;

/// <summary>
/// The NVM image of an e1000: 64 words, station address in words 0-2, ids in 0x0D/0x0E, and a checksum word 0x3F
/// chosen so that all 64 words sum to 0xBABA (modulo 2^16), which drivers verify at probe.
/// </summary>
public static class E1000Eeprom
{
    /// <summary>The words in the image.</summary>
    public const int WordCount = 64;
    /// <summary>What all the words must sum to.</summary>
    public const ushort ChecksumTarget = 0xBABA;
    /// <summary>The word holding the checksum.</summary>
    public const int ChecksumWord = 0x3F;
    /// <summary>Init control word 1.</summary>
    public const int InitControl1Word = 0x0A;
    /// <summary>Init control word 2.</summary>
    public const int InitControl2Word = 0x0F;
    /// <summary>Init control word 3 (port configuration).</summary>
    public const int InitControl3Word = 0x14;
    /// <summary>The device id word.</summary>
    public const int DeviceIdWord = 0x0D;
    /// <summary>The vendor id word.</summary>
    public const int VendorIdWord = 0x0E;
    /// <summary>The PBA number words.</summary>
    public const int PbaWord0 = 0x08, PbaWord1 = 0x09;

    /// <summary>Builds a valid image for <paramref name="mac"/> and <paramref name="deviceId"/>.</summary>
    public static ushort[] Build(MacAddress mac, ushort deviceId)
    {
        var words = new ushort[WordCount];
        Span<byte> b = stackalloc byte[6];
        mac.Write(b);
        for (int i = 0; i < 3; i++) words[i] = (ushort)(b[2 * i] | (b[2 * i + 1] << 8));
        words[PbaWord0] = 0xD5F1;
        words[PbaWord1] = 0x0204;
        words[InitControl1Word] = 0x4308; // bits 15:14 = 01b: valid signature
        words[0x0B] = 0x0001;             // subsystem id
        words[0x0C] = E1000Registers.IntelVendorId;
        words[DeviceIdWord] = deviceId;
        words[VendorIdWord] = E1000Registers.IntelVendorId;
        words[InitControl2Word] = 0x3040; // APM enable, flow control both
        words[0x10] = 0x0090;             // LED 1/3 configuration
        words[InitControl3Word] = 0x0400;
        for (int i = 0x20; i < 0x30; i++) words[i] = (ushort)(0x1000 + i * 0x0101); // vendor area
        Seal(words);
        return words;
    }

    /// <summary>Recomputes the checksum word.</summary>
    public static void Seal(ushort[] words)
    {
        ushort sum = 0;
        for (int i = 0; i < ChecksumWord; i++) sum += words[i];
        words[ChecksumWord] = (ushort)(ChecksumTarget - sum);
    }

    /// <summary>Whether the words sum to <see cref="ChecksumTarget"/>.</summary>
    public static bool IsValid(ushort[] words)
    {
        ushort sum = 0;
        foreach (var w in words) sum += w;
        return sum == ChecksumTarget;
    }
}
