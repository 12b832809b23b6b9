using System.IO.Hashing;
using System.Runtime.CompilerServices;

namespace KcrRuntime;

/// <summary>Computes a 64-bit fingerprint of key bytes, replaceable per table by tests.</summary>
internal delegate ulong FingerprintFunction(ReadOnlySpan<byte> key);

/// <summary>
/// Key fingerprints. XxHash3 (64-bit) is used because it is the fastest hash in
/// System.IO.Hashing on the small inputs typical of argument lists (tens to hundreds of bytes)
/// and still fast on packet-sized buffers. The fingerprint only picks the cache slot and rejects
/// most non-matching entries cheaply; correctness never depends on it, because a hit also
/// compares the full key bytes.
/// </summary>
internal static class Fingerprint
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Compute(ReadOnlySpan<byte> key, FingerprintFunction? overrideFunction) =>
        overrideFunction is null ? XxHash3.HashToUInt64(key) : overrideFunction(key);
}
