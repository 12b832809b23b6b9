using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using KcrSamples;

namespace Weaver.Benchmarks.Kcr;

/// <summary>The KCR subsystem table's kernels (src/DriverSamples/KcrSamples).</summary>
public enum SubsystemKernel
{
    /// <summary>AES-128 encryption of one 16-byte block.</summary>
    AesBlock,
    /// <summary>SHA-256 of a 1,024-byte packet.</summary>
    Sha256,
    /// <summary>Internet checksum of a 1,024-byte packet.</summary>
    Checksum,
    /// <summary>CRC32 of a 1,024-byte packet.</summary>
    Crc32,
    /// <summary>Copy of a 1,024-byte buffer.</summary>
    Copy,
}

/// <summary>
/// KCR's subsystem table: each kernel called on a stream of inputs, unmemoized (baseline), memoized by KCR (the
/// hand-woven wrappers, identical to what the weaver emits), and memoized the way a user would by hand:
/// <c>ConcurrentDictionary</c>, <c>MemoryCache</c>, BitFaster <c>ConcurrentLru</c>, each keyed by a content hash
/// plus the verified bytes and, for array results, returning a private copy as KCR does.
/// </summary>
/// <remarks>
/// Working set: 64 distinct inputs. <c>HitRate=100</c>: every call draws from them (100% hits after warm-up).
/// <c>HitRate=50</c>: every other call is an input never seen before (a fresh 8-byte stamp in a reused buffer), so
/// half the calls miss and insert (and evict). The stamp write is paid by every variant, baseline included.
/// </remarks>
public class KcrSubsystemBenchmarks
{
    private const int Calls = 256;
    private const int PacketBytes = 1024;

    private byte[][] hot = null!;
    private byte[][] cold = null!;
    private long stamp;
    private Func<byte[], long> direct = null!, kcr = null!, dictionary = null!, memoryCache = null!, lru = null!;
    private IDisposable? disposable;

    /// <summary>The kernel.</summary>
    [ParamsAllValues]
    public SubsystemKernel Kernel { get; set; }

    /// <summary>Percent of calls whose input repeats.</summary>
    [Params(100, 50)]
    public int HitRate { get; set; }

    /// <summary>Builds inputs and the memos, and warms every memo up on the working set.</summary>
    [GlobalSetup]
    public void Setup()
    {
        int size = Kernel == SubsystemKernel.AesBlock ? CryptoKernels.BlockSize : PacketBytes;
        var random = new Random(1234);
        hot = Enumerable.Range(0, 64).Select(_ => { var b = new byte[size]; random.NextBytes(b); return b; }).ToArray();
        cold = Enumerable.Range(0, 64).Select(_ => { var b = new byte[size]; random.NextBytes(b); return b; }).ToArray();
        switch (Kernel)
        {
            case SubsystemKernel.AesBlock: Build(CryptoKernels.AesEncryptBlock, HandWovenKernels.AesEncryptBlock, Clone, r => r[0]); break;
            case SubsystemKernel.Sha256: Build(CryptoKernels.Sha256, HandWovenKernels.Sha256, Clone, r => r[0]); break;
            case SubsystemKernel.Checksum: Build(NetworkKernels.InternetChecksum, HandWovenKernels.InternetChecksum, v => v, r => r); break;
            case SubsystemKernel.Crc32: Build(NetworkKernels.Crc32Of, HandWovenKernels.Crc32Of, v => v, r => r); break;
            case SubsystemKernel.Copy: Build(MemoryKernels.CopyBuffer, HandWovenKernels.CopyBuffer, Clone, r => r[0]); break;
        }
        for (int round = 0; round < 8; round++) { Kcr(); Dictionary(); MemoryCache(); Lru(); }
    }

    private static byte[] Clone(byte[] b) => (byte[])b.Clone();

    private void Build<T>(Func<byte[], T> plain, Func<byte[], T> woven, Func<T, T> copy, Func<T, long> sink)
    {
        direct = b => sink(plain(b));
        kcr = b => sink(woven(b));
        var d = new DictionaryMemo<T>(plain, copy);
        dictionary = b => sink(d.Call(b));
        var m = new MemoryCacheMemo<T>(plain, copy);
        disposable = m;
        memoryCache = b => sink(m.Call(b));
        var l = new LruMemo<T>(plain, copy);
        lru = b => sink(l.Call(b));
    }

    /// <summary>Disposes the memory cache.</summary>
    [GlobalCleanup]
    public void Cleanup() => disposable?.Dispose();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte[] Input(int i)
    {
        if (HitRate == 100 || (i & 1) == 0) return hot[(i >> (HitRate == 100 ? 0 : 1)) & 63];
        var b = cold[i & 63];
        Unsafe.WriteUnaligned(ref b[0], ++stamp);
        return b;
    }

    private long Run(Func<byte[], long> f)
    {
        long s = 0;
        for (int i = 0; i < Calls; i++) s += f(Input(i));
        return s;
    }

    /// <summary>The kernel itself.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    public long Unmemoized() => Run(direct);

    /// <summary>KCR (woven wrapper).</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public long Kcr() => Run(kcr);

    /// <summary>By hand: ConcurrentDictionary.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public long Dictionary() => Run(dictionary);

    /// <summary>By hand: MemoryCache.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public long MemoryCache() => Run(memoryCache);

    /// <summary>By hand: BitFaster ConcurrentLru.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public long Lru() => Run(lru);
}
