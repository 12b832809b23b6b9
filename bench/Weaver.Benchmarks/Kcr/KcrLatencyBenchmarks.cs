using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using KcrRuntime;
using KcrSamples;

namespace Weaver.Benchmarks.Kcr;

/// <summary>
/// KCR's own costs, per call: an L2 hit (per-thread direct-mapped table), an L3 hit (shared set-associative table;
/// forced by giving the table a 1-entry L2 and alternating two keys, so every lookup misses L2, hits L3 and is
/// promoted over the other key), and a miss (a key never seen: fingerprint, two failed probes, the original, and
/// the insert). Small arguments: <c>(int, long)</c> into a few-ns integer mix; buffer argument: CRC32 of a 256-byte
/// buffer. The wrappers are written exactly as the weaver emits them (see src/KcrRuntime/README.md).
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[SkipLocalsInit]
public class KcrLatencyBenchmarks
{
    private const int Calls = 1024;

    private static readonly MemoTable<long> SmallL2 = new("bench.Small.L2", KcrOptions.Create(-1, -1, -1, -1));
    private static readonly MemoTable<long> SmallL3 = new("bench.Small.L3", KcrOptions.Create(-1, -1, 1, -1));
    private static readonly MemoTable<long> SmallMiss = new("bench.Small.Miss", KcrOptions.Create(-1, -1, -1, -1));
    private static readonly MemoTable<uint> BufL2 = new("bench.Buffer.L2", KcrOptions.Create(-1, -1, -1, -1));
    private static readonly MemoTable<uint> BufL3 = new("bench.Buffer.L3", KcrOptions.Create(-1, -1, 1, -1));
    private static readonly MemoTable<uint> BufMiss = new("bench.Buffer.Miss", KcrOptions.Create(-1, -1, -1, -1));

    private readonly byte[] bufferA = new byte[256], bufferB = new byte[256], fresh = new byte[256];
    private long counter;

    /// <summary>Fills the buffers and lets every table finish learning.</summary>
    [GlobalSetup]
    public void Setup()
    {
        new Random(7).NextBytes(bufferA);
        new Random(8).NextBytes(bufferB);
        new Random(9).NextBytes(fresh);
        for (int i = 0; i < 16; i++)
        {
            SmallMemo(SmallL2, 7, 11); SmallMemo(SmallL3, 7, 11); SmallMemo(SmallL3, 8, 11); SmallMemo(SmallMiss, 7, 11);
            BufMemo(BufL2, bufferA); BufMemo(BufL3, bufferA); BufMemo(BufL3, bufferB); BufMemo(BufMiss, bufferA);
        }
        foreach (var t in new MemoTable[] { SmallL2, SmallL3, SmallMiss, BufL2, BufL3, BufMiss })
            if (t.State != LearningState.Serving) throw new InvalidOperationException($"{t.MethodName} is {t.State} after warm-up.");
    }

    /// <summary>Prints the tables' hit/miss counts so that the log shows each benchmark measured the tier it claims.</summary>
    [GlobalCleanup]
    public void Cleanup() => global::KcrRuntime.Kcr.DumpStats(Console.Out);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Mix(int a, long b)
    {
        ulong x = (ulong)b * 0x9E37_79B9_7F4A_7C15 ^ (uint)a;
        x ^= x >> 29;
        return (long)(x * 0xBF58_476D_1CE4_E5B9);
    }

    private static long SmallMemo(MemoTable<long> table, int a, long b)
    {
        var key = new KeyBuilder(stackalloc byte[KeyBuilder.InlineCapacity], table);
        key.Add(a);
        key.Add(b);
        if (table.TryGet(ref key, out long result)) { key.Dispose(); return result; }
        result = Mix(a, b);
        table.Offer(ref key, result);
        key.Dispose();
        return result;
    }

    private static uint BufMemo(MemoTable<uint> table, byte[] data)
    {
        var key = new KeyBuilder(stackalloc byte[KeyBuilder.InlineCapacity], table);
        key.Add(data);
        if (table.TryGet(ref key, out uint result)) { key.Dispose(); return result; }
        result = NetworkKernels.Crc32Of(data);
        table.Offer(ref key, result);
        key.Dispose();
        return result;
    }

    /// <summary>The small method itself.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Calls), BenchmarkCategory("SmallArgs")]
    public long Small_Unmemoized() { long s = 0; for (int i = 0; i < Calls; i++) s += Mix(7, 11 + (i & 1)); return s; }

    /// <summary>L2 hit.</summary>
    [Benchmark(OperationsPerInvoke = Calls), BenchmarkCategory("SmallArgs")]
    public long Small_L2Hit() { long s = 0; for (int i = 0; i < Calls; i++) s += SmallMemo(SmallL2, 7, 11); return s; }

    /// <summary>L3 hit (1-entry L2, two alternating keys).</summary>
    [Benchmark(OperationsPerInvoke = Calls), BenchmarkCategory("SmallArgs")]
    public long Small_L3Hit() { long s = 0; for (int i = 0; i < Calls; i++) s += SmallMemo(SmallL3, 7 + (i & 1), 11); return s; }

    /// <summary>Miss on a key never seen, with its insert.</summary>
    [Benchmark(OperationsPerInvoke = Calls), BenchmarkCategory("SmallArgs")]
    public long Small_Miss() { long s = 0; for (int i = 0; i < Calls; i++) s += SmallMemo(SmallMiss, 1, ++counter); return s; }

    /// <summary>CRC32 of 256 bytes itself.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Calls), BenchmarkCategory("Buffer256")]
    public long Buffer_Unmemoized() { long s = 0; for (int i = 0; i < Calls; i++) s += NetworkKernels.Crc32Of((i & 1) == 0 ? bufferA : bufferB); return s; }

    /// <summary>L2 hit.</summary>
    [Benchmark(OperationsPerInvoke = Calls), BenchmarkCategory("Buffer256")]
    public long Buffer_L2Hit() { long s = 0; for (int i = 0; i < Calls; i++) s += BufMemo(BufL2, bufferA); return s; }

    /// <summary>L3 hit.</summary>
    [Benchmark(OperationsPerInvoke = Calls), BenchmarkCategory("Buffer256")]
    public long Buffer_L3Hit() { long s = 0; for (int i = 0; i < Calls; i++) s += BufMemo(BufL3, (i & 1) == 0 ? bufferA : bufferB); return s; }

    /// <summary>Miss on content never seen (an 8-byte stamp makes every buffer new), with its insert.</summary>
    [Benchmark(OperationsPerInvoke = Calls), BenchmarkCategory("Buffer256")]
    public long Buffer_Miss()
    {
        long s = 0;
        for (int i = 0; i < Calls; i++)
        {
            Unsafe.WriteUnaligned(ref fresh[0], ++counter);
            s += BufMemo(BufMiss, fresh);
        }
        return s;
    }
}
