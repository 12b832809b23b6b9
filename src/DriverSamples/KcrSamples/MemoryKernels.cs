using KcrRuntime;

namespace KcrSamples;

/// <summary>Memory subsystem kernel (KCR's "copy_from_user" row).</summary>
public static class MemoryKernels
{
    /// <summary>Returns a fresh copy of <paramref name="source"/>. Memoized results are copied again on every hit, so callers may mutate what they get.</summary>
    [Memoize(MaxKeyBytes = 64 * 1024)]
    public static byte[] CopyBuffer(byte[] source) => CopyBufferCore(source);

    internal static byte[] CopyBufferCore(byte[] source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.AsSpan().ToArray();
    }
}
