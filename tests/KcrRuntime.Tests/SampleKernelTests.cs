using System.Text;
using KcrSamples;

namespace KcrRuntime.Tests;

/// <summary>The sample kernels compute the right thing, memoized or not.</summary>
public sealed class SampleKernelTests
{
    [Fact]
    public void Aes_matches_the_FIPS_197_vector_and_hand_woven_hits_agree()
    {
        byte[] plain = Convert.FromHexString("00112233445566778899AABBCCDDEEFF");
        byte[] expected = Convert.FromHexString("69C4E0D86A7B0430D8CDB78070B4C55A");
        Assert.Equal(expected, CryptoKernels.AesEncryptBlock(plain));
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(expected, HandWovenKernels.AesEncryptBlock(plain));
        }

        Assert.Equal(LearningState.Serving, HandWovenKernels.AesTable.State);
    }

    [Fact]
    public void Sha256_of_abc()
    {
        byte[] abc = Encoding.ASCII.GetBytes("abc");
        byte[] expected = Convert.FromHexString("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
        Assert.Equal(expected, CryptoKernels.Sha256(abc));
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(expected, HandWovenKernels.Sha256(abc));
        }
    }

    [Fact]
    public void Internet_checksum_matches_RFC_1071_example()
    {
        byte[] data = [0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7];
        Assert.Equal((ushort)0x220D, NetworkKernels.InternetChecksum(data));
        Assert.Equal((ushort)0xFFFF, NetworkKernels.InternetChecksum([]));
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal((ushort)0x220D, HandWovenKernels.InternetChecksum(data));
        }
    }

    [Fact]
    public void Odd_length_checksum_pads_with_zero()
    {
        Assert.Equal(NetworkKernels.InternetChecksum([0x12, 0x34, 0x56, 0x00]), NetworkKernels.InternetChecksum([0x12, 0x34, 0x56]));
    }

    [Fact]
    public void Crc32_check_value()
    {
        byte[] data = Encoding.ASCII.GetBytes("123456789");
        Assert.Equal(0xCBF43926u, NetworkKernels.Crc32Of(data));
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(0xCBF43926u, HandWovenKernels.Crc32Of(data));
        }

        Assert.True(HandWovenKernels.Crc32Table.GetStatistics().Hits > 0);
    }

    [Fact]
    public void Packet_sized_inputs_are_cached_and_right()
    {
        var random = new Random(99);
        byte[][] packets = Enumerable.Range(0, 20).Select(_ => { var p = new byte[1500]; random.NextBytes(p); return p; }).ToArray();
        for (int round = 0; round < 5; round++)
        {
            foreach (byte[] packet in packets)
            {
                Assert.Equal(NetworkKernels.InternetChecksum(packet), HandWovenKernels.InternetChecksum(packet));
                Assert.Equal(MemoryKernels.CopyBuffer(packet), HandWovenKernels.CopyBuffer(packet));
            }
        }
    }
}
