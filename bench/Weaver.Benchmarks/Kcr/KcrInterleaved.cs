using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text;
using KcrRuntime;
using KcrSamples;

namespace Weaver.Benchmarks.Kcr;

/// <summary>
/// KCR's costs measured side by side in one process, so that ratios hold on a machine other agents load: every
/// variant of a table is warmed past tier-1, then run round by round in rotating order, and the figure is the median
/// of its per-round nanoseconds per call. Latencies: L2 hit, L3 hit, miss with insert, learning call and the off
/// switch, for scalar arguments and 64 B / 256 B / 1.5 KB buffers, next to the raw method and a ConcurrentDictionary
/// memo's hit. Subsystem table: the sample kernels (SHA-256 of a 1.5 KB packet among them) raw, through KCR and
/// through hand-written ConcurrentDictionary / MemoryCache / BitFaster ConcurrentLru memos with the same copy rules,
/// at 100, 90 and 50% hits. The L2 hit rows are checked against the table's own counters: every measured call must
/// have been an L2 hit.
/// </summary>
/// <remarks>Run with <c>Weaver.Benchmarks kcr [--rounds N] [--out file.md]</c> (tools/bench.sh --kcr).</remarks>
public static class KcrInterleaved
{
    private const int ScalarCalls = 4096;
    private const int BufferCalls = 1024;
    private const int SubsystemCalls = 512;

    /// <summary>Runs both tables and writes the report; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        int rounds = IntOption(args, "--rounds", BenchInfo.Short ? 11 : 31);
        string output = StringOption(args, "--out") ?? Path.Combine("bench", "results", "kcr.md");
        var report = new StringBuilder();
        report.AppendLine("# KCR: latencies and the subsystem table");
        report.AppendLine();
        report.AppendLine(Invariant($"`tools/bench.sh --kcr` ({rounds} interleaved rounds, median ns per call, one process; ")
            + Invariant($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}). The machine is shared: ")
            + "absolute figures move with its load, ratios measured in the same rounds hold.");
        report.AppendLine();
        Latencies(report, rounds);
        Subsystem(report, rounds);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        File.WriteAllText(output, report.ToString());
        Console.WriteLine(report);
        return 0;
    }

    // ---- latencies ---------------------------------------------------------------------------------------------

    private sealed record Variant(string Name, Func<int, long> Run, Func<long>? Counted = null);

    private static void Latencies(StringBuilder report, int rounds)
    {
        report.AppendLine("## Latencies");
        report.AppendLine();
        report.AppendLine("| arguments | raw method | L2 hit | L3 hit | miss + insert | learning call | off switch | ConcurrentDictionary hit | L2 hit / dictionary hit | L2 hits counted |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        ScalarRow(report, rounds);
        foreach (int size in new[] { 64, 256, 1500 }) BufferRow(report, rounds, size);
        TlsProbe(report, rounds);
        report.AppendLine();
        report.AppendLine("Scalar: `(int, long) -> long`, a multiply-xorshift mix, over four keys in turn (so no variant can hoist the key's hash out of the loop). Buffers: CRC-32 of the buffer (`byte[] -> uint`). "
            + "L3 hit: a 1-entry L2 and two alternating keys. Miss: a key never seen (evictions included once the table is full). "
            + "Learning call: a key that never reaches its confirmations (computed and compared every call). Off switch: "
            + "`Kcr.Enabled = false` (one load and branch, then the original). Dictionary: `ConcurrentDictionary<(int, long), long>` "
            + "for scalars, a content key (XxHash3 + the bytes, as in the subsystem table) for buffers.");
        report.AppendLine();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Mix(int a, long b)
    {
        ulong x = (ulong)b * 0x9E37_79B9_7F4A_7C15 ^ (uint)a;
        x ^= x >> 29;
        return (long)(x * 0xBF58_476D_1CE4_E5B9);
    }

    [ThreadStatic] private static MemoSlot<MemoKey<int, long>, long>? t_l2, t_l3, t_miss, t_learn;
    private static readonly Func<int, long, long> MixFunc = Mix;

    private static void ScalarRow(StringBuilder report, int rounds)
    {
        var l2 = new MemoTable<MemoKey<int, long>, long>("bench.Scalar.L2", KcrSites.Options());
        var l3 = new MemoTable<MemoKey<int, long>, long>("bench.Scalar.L3", KcrSites.Options(l2: 1));
        var miss = new MemoTable<MemoKey<int, long>, long>("bench.Scalar.Miss", KcrSites.Options());
        var learn = new MemoTable<MemoKey<int, long>, long>("bench.Scalar.Learning", KcrSites.Options(learning: int.MaxValue));
        var dictionary = new ConcurrentDictionary<(int, long), long>();
        long counter = 0;
        long Dict(int a, long b)
        {
            if (dictionary.TryGetValue((a, b), out long v)) return v;
            v = Mix(a, b);
            dictionary.TryAdd((a, b), v);
            return v;
        }
        var variants = new[]
        {
            new Variant("raw", n => { long s = 0; for (int i = 0; i < n; i++) s += Mix(7 + (i & 3), 11); return s; }),
            new Variant("l2", n => { long s = 0; for (int i = 0; i < n; i++) s += KcrSites.Scalar(l2, ref t_l2, 7 + (i & 3), 11, MixFunc); return s; },
                () => l2.GetStatistics().L2Hits),
            new Variant("l3", n => { long s = 0; for (int i = 0; i < n; i++) s += KcrSites.Scalar(l3, ref t_l3, 7 + (i & 1), 11, MixFunc); return s; }),
            new Variant("miss", n => { long s = 0; for (int i = 0; i < n; i++) s += KcrSites.Scalar(miss, ref t_miss, 1, ++counter, MixFunc); return s; }),
            new Variant("learn", n => { long s = 0; for (int i = 0; i < n; i++) s += KcrSites.Scalar(learn, ref t_learn, 7, 11, MixFunc); return s; }),
            new Variant("off", n => Off(() => { long s = 0; for (int i = 0; i < n; i++) s += KcrSites.Scalar(l2, ref t_l2, 7, 11, MixFunc); return s; })),
            new Variant("dict", n => { long s = 0; for (int i = 0; i < n; i++) s += Dict(7 + (i & 3), 11); return s; }),
        };
        Row(report, "scalar `(int, long)`", variants, ScalarCalls, rounds);
    }

    [ThreadStatic] private static MemoSlot<MemoKey<bool>, uint>? b_l2, b_l3, b_miss, b_learn;
    private static readonly Func<byte[], uint> CrcFunc = b => Crc32.HashToUInt32(b);

    private static void BufferRow(StringBuilder report, int rounds, int size)
    {
        b_l2 = b_l3 = b_miss = b_learn = null; // fresh slots for this size's tables
        var l2 = new MemoTable<MemoKey<bool>, uint>($"bench.Buffer{size}.L2", KcrSites.Options());
        var l3 = new MemoTable<MemoKey<bool>, uint>($"bench.Buffer{size}.L3", KcrSites.Options(l2: 1));
        var miss = new MemoTable<MemoKey<bool>, uint>($"bench.Buffer{size}.Miss", KcrSites.Options());
        var learn = new MemoTable<MemoKey<bool>, uint>($"bench.Buffer{size}.Learning", KcrSites.Options(learning: int.MaxValue));
        var random = new Random(size);
        byte[] a = new byte[size], b = new byte[size], fresh = new byte[size];
        random.NextBytes(a);
        random.NextBytes(b);
        random.NextBytes(fresh);
        long counter = 0;
        var dictionary = new DictionaryMemo<uint>(CrcFunc, v => v);
        var variants = new[]
        {
            new Variant("raw", n => { long s = 0; for (int i = 0; i < n; i++) s += Crc32.HashToUInt32(a); return s; }),
            new Variant("l2", n => { long s = 0; for (int i = 0; i < n; i++) s += KcrSites.Buffer(l2, ref b_l2, a, CrcFunc); return s; },
                () => l2.GetStatistics().L2Hits),
            new Variant("l3", n => { long s = 0; for (int i = 0; i < n; i++) s += KcrSites.Buffer(l3, ref b_l3, (i & 1) == 0 ? a : b, CrcFunc); return s; }),
            new Variant("miss", n =>
            {
                long s = 0;
                for (int i = 0; i < n; i++)
                {
                    Unsafe.WriteUnaligned(ref fresh[0], ++counter);
                    s += KcrSites.Buffer(miss, ref b_miss, fresh, CrcFunc);
                }
                return s;
            }),
            new Variant("learn", n => { long s = 0; for (int i = 0; i < n; i++) s += KcrSites.Buffer(learn, ref b_learn, a, CrcFunc); return s; }),
            new Variant("off", n => Off(() => { long s = 0; for (int i = 0; i < n; i++) s += KcrSites.Buffer(l2, ref b_l2, a, CrcFunc); return s; })),
            new Variant("dict", n => { long s = 0; for (int i = 0; i < n; i++) s += dictionary.Call(a); return s; }),
        };
        Row(report, $"buffer {size} B", variants, BufferCalls, rounds);
    }

    [ThreadStatic] private static int[]? t_probe;
    private static int[]? s_probe = new int[3];

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long ReadThreadStatic() => t_probe?.Length ?? 0;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long ReadStatic() => s_probe?.Length ?? 0;

    // What the one thread-static load of a hit costs on this platform (on Linux a call to __tls_get_addr), against a
    // plain static load through the same non-inlined call: the difference is the floor of any per-thread L2.
    private static void TlsProbe(StringBuilder report, int rounds)
    {
        t_probe = new int[3];
        var ns = Measure(
        [
            n => { long s = 0; for (int i = 0; i < n; i++) s += ReadStatic(); return s; },
            n => { long s = 0; for (int i = 0; i < n; i++) s += ReadThreadStatic(); return s; },
        ], ScalarCalls, rounds, out _);
        report.AppendLine();
        report.AppendLine(Invariant($"A `[ThreadStatic]` load costs {ns[1]:0.0} ns through a non-inlined call, a plain static load {ns[0]:0.0} ns ")
            + Invariant($"in the same rounds: {ns[1] - ns[0]:0.0} ns of every scalar L2 hit is the thread-static access itself."));
    }

    private static long Off(Func<long> run)
    {
        global::KcrRuntime.Kcr.Enabled = false;
        try { return run(); }
        finally { global::KcrRuntime.Kcr.Enabled = true; }
    }

    private static void Row(StringBuilder report, string label, Variant[] variants, int calls, int rounds)
    {
        var ns = Measure(variants.Select(v => v.Run).ToArray(), calls, rounds, out long[] counted, variants.Select(v => v.Counted).ToArray());
        double Get(string name) => ns[Array.FindIndex(variants, v => v.Name == name)];
        int l2Index = Array.FindIndex(variants, v => v.Name == "l2");
        long expected = (long)calls * rounds;
        // Four keys: the random seed may put two in one L2 slot (then some hits are L3 hits); fewer than 99% is a bug.
        if (counted[l2Index] < expected * 0.99)
            throw new InvalidOperationException($"{label}: {counted[l2Index]} L2 hits counted for {expected} L2 calls: the hit path was not taken");
        report.AppendLine(
            Invariant($"| {label} | {Get("raw"):0.0} | {Get("l2"):0.0} | {Get("l3"):0.0} | {Get("miss"):0.0} | {Get("learn"):0.0} | {Get("off"):0.0} | ")
            + Invariant($"{Get("dict"):0.0} | **{Get("l2") / Get("dict"):0.00}x** | {counted[l2Index]} / {expected} |"));
    }

    // Median ns per call of each variant over `rounds` interleaved rounds (rotating order), after a warm-up past
    // tier-1; `counted` is the increase of each variant's counter over the measured rounds.
    private static double[] Measure(Func<int, long>[] runs, int calls, int rounds, out long[] counted, Func<long>?[]? counters = null)
    {
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < (BenchInfo.Short ? 300 : 800))
            foreach (var run in runs) run(calls / 8);
        counted = new long[runs.Length];
        var before = counters?.Select(c => c?.Invoke() ?? 0).ToArray();
        var samples = new double[runs.Length][];
        for (int v = 0; v < runs.Length; v++) samples[v] = new double[rounds];
        long sink = 0;
        for (int round = 0; round < rounds; round++)
            for (int step = 0; step < runs.Length; step++)
            {
                int v = (step + round) % runs.Length;
                long start = Stopwatch.GetTimestamp();
                sink += runs[v](calls);
                samples[v][round] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / calls;
            }
        if (counters is not null)
            for (int v = 0; v < runs.Length; v++) counted[v] = (counters[v]?.Invoke() ?? 0) - before![v];
        GC.KeepAlive(sink);
        return samples.Select(Median).ToArray();
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    // ---- subsystem table ---------------------------------------------------------------------------------------

    private static void Subsystem(StringBuilder report, int rounds)
    {
        report.AppendLine("## Subsystem table");
        report.AppendLine();
        report.AppendLine("Speedup over the raw kernel (raw ns / memoized ns; higher is better), 64 distinct inputs repeated; at 90% and 50% "
            + "every 10th or every other call is an input never seen (a fresh stamp in a reused buffer, paid by every variant). "
            + "KCR runs the woven call sequence with default options (learning and the profit check on); the hand-written memos "
            + "key by XxHash3 plus the bytes and copy array results on insert and hit, as KCR does.");
        report.AppendLine();
        report.AppendLine("| kernel | hits | raw ns | KCR | ConcurrentDictionary | MemoryCache | BitFaster ConcurrentLru | KCR state |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        var chart = new StringBuilder();
        foreach (var (name, size, make) in Kernels())
            foreach (int rate in new[] { 100, 90, 50 })
            {
                var row = make(rate);
                var inputs = new Inputs(size, rate);
                var runs = row.Variants.Select(f => (Func<int, long>)(n => { long s = 0; for (int i = 0; i < n; i++) s += f(inputs.Next()); return s; })).ToArray();
                var ns = Measure(runs, SubsystemCalls, Math.Max(5, rounds / 2), out _);
                double raw = ns[0];
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {name} | {rate}% | {raw:0} | **{raw / ns[1]:0.00}x** | {raw / ns[2]:0.00}x | {raw / ns[3]:0.00}x | {raw / ns[4]:0.00}x | {row.Table.State} |");
                if (rate == 100)
                {
                    chart.AppendLine(CultureInfo.InvariantCulture, $"{name} (100% hits)");
                    string[] labels = ["KCR", "ConcurrentDictionary", "MemoryCache", "ConcurrentLru"];
                    double max = Enumerable.Range(1, 4).Max(i => raw / ns[i]);
                    for (int i = 1; i <= 4; i++)
                        chart.AppendLine(CultureInfo.InvariantCulture, $"  {labels[i - 1],-21}{new string('#', (int)Math.Round(40 * raw / ns[i] / max))} {raw / ns[i]:0.0}x");
                }
                row.Dispose();
            }
        report.AppendLine();
        report.AppendLine("Speedup at 100% hits, KCR against the hand-written memos:");
        report.AppendLine();
        report.AppendLine("```");
        report.Append(chart);
        report.AppendLine("```");
    }

    private sealed class Inputs(int size, int rate)
    {
        private readonly byte[][] hot = Make(size, 64, 1234);
        private readonly byte[][] cold = Make(size, 64, 4321);
        private long stamp;
        private int i;

        private static byte[][] Make(int size, int count, int seed)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, count).Select(_ => { var b = new byte[size]; random.NextBytes(b); return b; }).ToArray();
        }

        public byte[] Next()
        {
            int n = i++;
            bool miss = rate == 50 ? (n & 1) == 1 : rate == 90 && n % 10 == 9;
            if (!miss) return hot[(n * 7) & 63];
            var b = cold[n & 63];
            Unsafe.WriteUnaligned(ref b[0], ++stamp);
            return b;
        }
    }

    private sealed class SubsystemRow(MemoTable table, Func<byte[], long>[] variants, IDisposable cache) : IDisposable
    {
        public MemoTable Table { get; } = table;
        public Func<byte[], long>[] Variants { get; } = variants;
        public void Dispose() => cache.Dispose();
    }

    [ThreadStatic] private static MemoSlot<MemoKey<bool>, byte[]>? s_bytes;
    [ThreadStatic] private static MemoSlot<MemoKey<bool>, ushort>? s_ushort;
    [ThreadStatic] private static MemoSlot<MemoKey<bool>, uint>? s_uint;

    private static IEnumerable<(string Name, int Size, Func<int, SubsystemRow> Make)> Kernels()
    {
        yield return ("SHA-256 1.5 KB", 1500, rate => Bytes("Sha256", rate, CryptoKernels.Sha256));
        yield return ("AES block 16 B", CryptoKernels.BlockSize, rate => Bytes("Aes", rate, CryptoKernels.AesEncryptBlock));
        yield return ("Internet checksum 1.5 KB", 1500, rate => Value("Checksum", rate, NetworkKernels.InternetChecksum, v => v));
        yield return ("CRC-32 1.5 KB", 1500, rate => Value("Crc32", rate, NetworkKernels.Crc32Of, v => v));
        yield return ("Copy 1.5 KB", 1500, rate => Bytes("Copy", rate, MemoryKernels.CopyBuffer));
    }

    private static SubsystemRow Bytes(string name, int rate, Func<byte[], byte[]> kernel)
    {
        s_bytes = null;
        var table = new MemoTable<MemoKey<bool>, byte[]>($"bench.{name}.{rate}", KcrOptions.Create(-1, 64 * 1024, -1, -1, -1, -1));
        static byte[] Clone(byte[] b) => (byte[])b.Clone();
        var d = new DictionaryMemo<byte[]>(kernel, Clone);
        var m = new MemoryCacheMemo<byte[]>(kernel, Clone);
        var l = new LruMemo<byte[]>(kernel, Clone);
        return new SubsystemRow(table,
        [
            b => kernel(b)[0],
            b => KcrSites.Buffer(table, ref s_bytes, b, kernel)[0],
            b => d.Call(b)[0],
            b => m.Call(b)[0],
            b => l.Call(b)[0],
        ], m);
    }

    private static SubsystemRow Value<T>(string name, int rate, Func<byte[], T> kernel, Func<T, long> sink)
    {
        SlotOf<T>() = null;
        var table = new MemoTable<MemoKey<bool>, T>($"bench.{name}.{rate}", KcrOptions.Create(-1, 64 * 1024, -1, -1, -1, -1));
        var d = new DictionaryMemo<T>(kernel, v => v);
        var m = new MemoryCacheMemo<T>(kernel, v => v);
        var l = new LruMemo<T>(kernel, v => v);
        Func<byte[], long> kcr = b => sink(KcrSites.Buffer(table, ref SlotOf<T>(), b, kernel));
        return new SubsystemRow(table, [b => sink(kernel(b)), kcr, b => sink(d.Call(b)), b => sink(m.Call(b)), b => sink(l.Call(b))], m);
    }

    // The [ThreadStatic] slot field of the value kernels, by result type.
    private static ref MemoSlot<MemoKey<bool>, T>? SlotOf<T>()
    {
        if (typeof(T) == typeof(ushort)) return ref Unsafe.As<MemoSlot<MemoKey<bool>, ushort>?, MemoSlot<MemoKey<bool>, T>?>(ref s_ushort);
        return ref Unsafe.As<MemoSlot<MemoKey<bool>, uint>?, MemoSlot<MemoKey<bool>, T>?>(ref s_uint);
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    private static int IntOption(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string? StringOption(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
