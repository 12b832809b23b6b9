using System.Security.Cryptography;
using KcrRuntime;

namespace KcrSamples;

/// <summary>Crypto subsystem kernels (KCR's "AES encrypt" and "SHA-256" rows).</summary>
public static class CryptoKernels
{
    /// <summary>Size of an AES block in bytes.</summary>
    public const int BlockSize = 16;

    // A fixed key makes the encryption a pure function of the block. Sample only: never hard-code keys.
    private static readonly byte[] s_key = Convert.FromHexString("000102030405060708090A0B0C0D0E0F");

    // Aes instances are not documented as thread-safe, so each thread keeps its own.
    [ThreadStatic]
    private static Aes? t_aes;

    /// <summary>Encrypts one 16-byte block with AES-128-ECB under the fixed sample key.</summary>
    [Memoize]
    public static byte[] AesEncryptBlock(byte[] block) => AesEncryptBlockCore(block);

    /// <summary>SHA-256 of a packet.</summary>
    [Memoize]
    public static byte[] Sha256(byte[] packet) => Sha256Core(packet);

    internal static byte[] AesEncryptBlockCore(byte[] block)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (block.Length != BlockSize)
        {
            throw new ArgumentException($"An AES block is {BlockSize} bytes, got {block.Length}.", nameof(block));
        }

        Aes aes = t_aes ??= CreateAes();
        return aes.EncryptEcb(block, PaddingMode.None);
    }

    internal static byte[] Sha256Core(byte[] packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        return SHA256.HashData(packet);
    }

    private static Aes CreateAes()
    {
        var aes = Aes.Create();
        aes.Key = s_key;
        return aes;
    }
}
