using System.Runtime.CompilerServices;

namespace KcrRuntime;

/// <summary>
/// One cached result. Immutable once constructed and published with a single reference write, so
/// a reader sees either a whole entry or none: no torn entries and no lock, whatever the writers do.
/// </summary>
/// <typeparam name="T">Result type.</typeparam>
internal sealed class MemoEntry<T>
{
    internal readonly ulong Fingerprint;
    internal readonly long Epoch;
    internal readonly byte[] Key;
    internal readonly T Value;

    internal MemoEntry(ulong fingerprint, long epoch, byte[] key, T value)
    {
        Fingerprint = fingerprint;
        Epoch = epoch;
        Key = key;
        Value = value;
    }

    /// <summary>
    /// True only when the full key bytes are equal and the entry belongs to the current epoch;
    /// the fingerprint test is just the cheap early exit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool Matches(ulong fingerprint, long epoch, ReadOnlySpan<byte> key) =>
        Fingerprint == fingerprint && Epoch == epoch && key.SequenceEqual(Key);
}
