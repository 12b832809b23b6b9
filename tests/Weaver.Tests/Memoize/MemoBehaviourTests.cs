using KcrRuntime;
using Weaver.Engine.Pipeline;

namespace Weaver.Tests.Memoize;

/// <summary>What the wrapper does at run time: equal results, learning, invalidation by static stores, the off switch, array copies, stack traces.</summary>
[Collection(KcrStateCollection.Name)]
public class MemoBehaviourTests
{
    private const string Source = """
        using System;
        using System.Threading;
        using KcrRuntime;
        namespace $NS$ {
        public struct Config { public int Factor; }
        public static class Counter { public static readonly int[] Calls = new int[1]; public static readonly long[] Ticks = new long[1]; }
        public static class K {
            public static int Scale = 2;
            public static Config Cfg = new Config { Factor = 3 };

            [Memoize] public static int Checksum(byte[] data, int seed) { Counter.Calls[0]++; int s = seed; foreach (var b in data) s = s * 31 + b; return s; }
            [Memoize] public static long Impure(int x) => x * 1000L + Counter.Ticks[0]++;
            [Memoize(LearningCalls = 0)] public static int Scaled(int x) { Counter.Calls[0]++; return x * Scale; }
            [Memoize(LearningCalls = 0)] public static int ScaledIndirect(int x) { Counter.Calls[0]++; return Helper(x); }
            static int Helper(int x) => x * Scale + Cfg.Factor;
            [Memoize(LearningCalls = 0)] public static byte[] Make(int n) { Counter.Calls[0]++; var a = new byte[n]; for (int i = 0; i < n; i++) a[i] = (byte)(i + 1); return a; }
            [Memoize(LearningCalls = 0)] public static int Throws(int x)
            {
                if (x < 0)
                    throw new InvalidOperationException("negative");
                return x;
            }

            public static void SetScale(int s) => Scale = s;
            public static void SetScaleByRef(int s) => Interlocked.Exchange(ref Scale, s);
            public static void SetFactor(int f) => Cfg.Factor = f;
            public static void BumpScale() { Scale += 1; }
        }
        }
        """;

    public static TheoryData<GuardKinds> Guards => new() { GuardKinds.None, GuardKinds.All };

    [Theory]
    [MemberData(nameof(Guards))]
    public void Results_equal_unwoven_over_many_inputs_and_the_cache_serves(GuardKinds guards)
    {
        var build = MemoBuild.Create(Source, "KcrEq", guards);
        var random = new Random(1234);
        var inputs = Enumerable.Range(0, 64).Select(_ => { var a = new byte[random.Next(0, 300)]; random.NextBytes(a); return (a, random.Next()); }).ToList();
        int calls = 0;
        for (int round = 0; round < 6; round++)
            foreach (var (data, seed) in inputs)
            {
                Assert.Equal(build.CallPlain("K.Checksum", data, seed), build.Call("K.Checksum", data.ToArray(), seed));
                calls++;
            }
        var table = build.Table("K::Checksum(System.Byte[],System.Int32)");
        var stats = table.GetStatistics();
        Assert.Equal(LearningState.Serving, table.State);
        Assert.True(stats.Hits > 0 && build.Calls < calls, $"{build.Calls} original calls for {calls} calls; {stats}");
    }

    [Fact]
    public void Learning_accepts_a_pure_method_and_condemns_one_reading_a_changing_counter()
    {
        var build = MemoBuild.Create(Source, "KcrLearn", GuardKinds.None);
        for (int i = 0; i < 10; i++) build.Call("K.Checksum", new byte[] { 1, 2 }, 5);
        Assert.Equal(LearningState.Serving, build.Table("K::Checksum(System.Byte[],System.Int32)").State);

        var results = new List<long>();
        for (int i = 0; i < 10; i++) results.Add((long)build.Call("K.Impure", 7)!);
        Assert.Equal(LearningState.Nondeterministic, build.Table("K::Impure(System.Int32)").State);
        // Every result is the original's: 7000, 7001, 7002... never a replay.
        Assert.Equal(Enumerable.Range(0, 10).Select(i => 7000L + i), results);
    }

    [Theory]
    [MemberData(nameof(Guards))]
    public void A_store_to_a_static_the_method_reads_invalidates_its_table(GuardKinds guards)
    {
        var build = MemoBuild.Create(Source, "KcrInval", guards);
        Assert.Equal(6, build.Call("K.Scaled", 3));
        int calls = build.Calls;
        Assert.Equal(6, build.Call("K.Scaled", 3));
        Assert.Equal(calls, build.Calls); // a hit

        build.Call("K.SetScale", 5); // stsfld
        Assert.Equal(15, build.Call("K.Scaled", 3));
        build.Call("K.SetScaleByRef", 7); // ldsflda + call
        Assert.Equal(21, build.Call("K.Scaled", 3));
        build.Call("K.BumpScale"); // ldsfld; add; stsfld
        Assert.Equal(24, build.Call("K.Scaled", 3));

        // Through a helper (transitive read) and a struct field store through the static's address.
        Assert.Equal(8 * 3 + 3, build.Call("K.ScaledIndirect", 3));
        build.Call("K.SetFactor", 10);
        Assert.Equal(8 * 3 + 10, build.Call("K.ScaledIndirect", 3));
        build.Call("K.SetScale", 1);
        Assert.Equal(3 + 10, build.Call("K.ScaledIndirect", 3));
        Assert.True(build.Table("K::Scaled(System.Int32)").GetStatistics().Invalidations >= 4);
    }

    [Fact]
    public void The_off_switch_calls_the_original_every_time()
    {
        var build = MemoBuild.Create(Source, "KcrOff", GuardKinds.None);
        bool was = Kcr.Enabled;
        try
        {
            Kcr.Enabled = false;
            int before = build.Calls;
            for (int i = 0; i < 5; i++) Assert.Equal(8, build.Call("K.Scaled", 4));
            Assert.Equal(before + 5, build.Calls);
            Kcr.Enabled = true;
            Assert.Equal(8, build.Call("K.Scaled", 4));
            Assert.Equal(8, build.Call("K.Scaled", 4));
            Assert.Equal(before + 6, build.Calls);
        }
        finally
        {
            Kcr.Enabled = was;
        }
    }

    [Theory]
    [MemberData(nameof(Guards))]
    public void Array_results_are_never_shared(GuardKinds guards)
    {
        var build = MemoBuild.Create(Source, "KcrArr", guards);
        var first = (byte[])build.Call("K.Make", 3)!;
        first[0] = 99;
        int calls = build.Calls;
        var second = (byte[])build.Call("K.Make", 3)!;
        Assert.Equal(calls, build.Calls); // served from the cache
        Assert.Equal(new byte[] { 1, 2, 3 }, second);
        Assert.NotSame(first, second);
        second[1] = 42;
        Assert.Equal(new byte[] { 1, 2, 3 }, (byte[])build.Call("K.Make", 3)!);
    }

    [Fact]
    public void A_throw_inside_a_memoized_method_still_shows_its_source_line()
    {
        var build = MemoBuild.Create(Source, "KcrTrace", GuardKinds.All);
        var e = Assert.Throws<InvalidOperationException>(() => build.Call("K.Throws", -1));
        var line = Source.Split('\n').Select((l, i) => (l, i)).First(p => p.l.Contains("throw new InvalidOperationException")).i + 1;
        Assert.Contains($"{build.Namespace}.cs:line {line}", e.StackTrace);
        Assert.Contains("Throws__original", e.StackTrace);
        Assert.Equal(5, build.Call("K.Throws", 5));
    }

    [Fact]
    public void Woven_memoized_assembly_passes_verify()
    {
        foreach (var guards in new[] { GuardKinds.None, GuardKinds.All })
        {
            var build = MemoBuild.Create(Source, "KcrVerify", guards);
            var (exit, output) = MemoCli.Run("verify", build.WovenPath);
            Assert.True(exit == 0, output);
            Assert.Contains(" 0 failed", output);
        }
    }
}
