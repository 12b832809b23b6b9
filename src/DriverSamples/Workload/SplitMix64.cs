namespace Workload;

/// <summary>A seeded SplitMix64 generator: deterministic on every platform and runtime, unlike an unseeded Random.</summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        ulong z = state += 0x9E37_79B9_7F4A_7C15;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB;
        return z ^ (z >> 31);
    }

    /// <summary>A value in [0, bound).</summary>
    public int Below(int bound) => (int)(Next() % (ulong)bound);

    /// <summary>Fills <paramref name="buffer"/> with random bytes.</summary>
    public void Fill(Span<byte> buffer)
    {
        int i = 0;
        for (; i + 8 <= buffer.Length; i += 8) BitConverter.TryWriteBytes(buffer.Slice(i), Next());
        if (i < buffer.Length)
        {
            ulong last = Next();
            for (; i < buffer.Length; i++, last >>= 8) buffer[i] = (byte)last;
        }
    }
}
