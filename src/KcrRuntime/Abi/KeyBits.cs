using System.IO.Hashing;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace KcrRuntime;

/// <summary>
/// Hashing and equality of keys by their bytes. The size of a key type is a JIT-time constant, so each instantiation
/// compiles to a few loads: one or two 8-byte words for keys up to 16 bytes (overlapping reads cover sizes that are
/// not a multiple of 8), a word loop beyond. The hash only picks the slot; a hit always compares every byte.
/// </summary>
internal static class KeyBits
{
    private const ulong K1 = 0x9E3779B97F4A7C15UL;
    private const ulong K2 = 0xC2B2AE3D27D4EB4FUL;

    /// <summary>
    /// Random per process, so that inputs chosen to collide in one run do not collide in another (collisions only
    /// cost hits, never correctness). A static readonly the JIT folds into the code as a constant.
    /// </summary>
    internal static readonly ulong Seed = NewSeed();

    internal static ulong NewSeed()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt64(bytes) | 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Hash<T>(in T key)
        where T : unmanaged
    {
        ref byte b = ref Unsafe.As<T, byte>(ref Unsafe.AsRef(in key));
        int size = Unsafe.SizeOf<T>();
        ulong seed = Seed;
        if (size <= 8)
        {
            return Mix(Small(ref b, size) ^ seed);
        }

        if (size <= 16)
        {
            ulong lo = Unsafe.ReadUnaligned<ulong>(ref b);
            ulong hi = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, size - 8));
            return Mix((lo ^ seed) * K1 ^ BitOperations.RotateLeft(hi, 29) * K2);
        }

        return XxHash3.HashToUInt64(MemoryMarshal.CreateReadOnlySpan(ref b, size), (long)seed);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Equal<T>(in T left, in T right)
        where T : unmanaged
    {
        ref byte a = ref Unsafe.As<T, byte>(ref Unsafe.AsRef(in left));
        ref byte b = ref Unsafe.As<T, byte>(ref Unsafe.AsRef(in right));
        int size = Unsafe.SizeOf<T>();
        if (size <= 8)
        {
            return Small(ref a, size) == Small(ref b, size);
        }

        if (size <= 16)
        {
            return Unsafe.ReadUnaligned<ulong>(ref a) == Unsafe.ReadUnaligned<ulong>(ref b)
                && Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref a, size - 8))
                == Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, size - 8));
        }

        return MemoryMarshal.CreateReadOnlySpan(ref a, size).SequenceEqual(MemoryMarshal.CreateReadOnlySpan(ref b, size));
    }

    /// <summary>Continues <paramref name="hash"/> over a buffer argument's bytes (one pass).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Hash(ulong hash, ReadOnlySpan<byte> buffer) =>
        XxHash3.HashToUInt64(buffer, (long)hash) ^ (ulong)buffer.Length;

    // The bytes of a key of at most 8 bytes as one word; two overlapping reads for 3, 5, 6 and 7 bytes, which is
    // injective for a fixed size (every byte is in at least one read, at a fixed position).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Small(ref byte b, int size) => size switch
    {
        0 => 0,
        1 => b,
        2 => Unsafe.ReadUnaligned<ushort>(ref b),
        3 => Unsafe.ReadUnaligned<ushort>(ref b) | (ulong)Unsafe.Add(ref b, 2) << 16,
        4 => Unsafe.ReadUnaligned<uint>(ref b),
        8 => Unsafe.ReadUnaligned<ulong>(ref b),
        _ => Unsafe.ReadUnaligned<uint>(ref b) | (ulong)Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref b, size - 4)) << 32,
    };

    // A multiply-xorshift finaliser (Stafford's variant 13): every input bit reaches the low bits the L2 index uses.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
