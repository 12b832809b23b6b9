using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using KcrRuntime;
using Weaver.Engine.Pipeline;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Memoize;

/// <summary>
/// Learning per key on woven code, and what a memoized module leaves behind: nothing once it is unloaded. Before the
/// rewrite, confirmations on some keys served every key, and the runtime's registry, static dependencies and
/// per-thread counter lists held the module's tables (and through them its types) for the life of the process.
/// </summary>
[Collection(KcrStateCollection.Name)]
public class LifetimeTests
{
    private const string Source = """
        using KcrRuntime;
        namespace $NS$ {
        public sealed record Point(int X, int Y);
        public static class Counter { public static readonly int[] Calls = new int[1]; public static readonly long[] Ticks = new long[1]; }
        public static class K {
            public static int Seed = 3;
            // Deterministic below 10, a counter above: only per-key learning keeps serving the first and computing the second.
            [Memoize(CheckProfit = false)] public static long Mixed(int x) => x < 10 ? x * 2L : x * 1000L + Counter.Ticks[0]++;
            [Memoize(LearningCalls = 0, CheckProfit = false)] public static Point Make(int x, byte[] salt) { Counter.Calls[0]++; return new Point(x + Seed, salt.Length); }
        }
        }
        """;

    [Fact]
    public void Learning_is_per_key_a_method_deterministic_for_some_keys_only_never_replays_the_others()
    {
        var build = MemoBuild.Create(Source, "KcrPerKey", GuardKinds.None);
        for (int round = 0; round < 6; round++)
            for (int x = 1; x <= 5; x++)
                Assert.Equal(x * 2L, build.Call("K.Mixed", x));
        var table = build.Table("K::Mixed(System.Int32)");
        Assert.Equal(LearningState.Serving, table.State);
        Assert.True(table.GetStatistics().Hits > 0);

        // Key 20 is new: its calls are computed and compared, never served from the confirmations of keys 1..5.
        var results = Enumerable.Range(0, 6).Select(_ => (long)build.Call("K.Mixed", 20)!).ToList();
        Assert.Equal(Enumerable.Range(0, 6).Select(i => 20000L + i), results);
        Assert.Equal(LearningState.Nondeterministic, table.State);
        Assert.Equal(10L, build.Call("K.Mixed", 5)); // condemned: computed, still right
    }

    [Fact]
    public void An_unloaded_module_leaves_no_table_slot_or_type_behind()
    {
        var dll = SnippetCompiler.Compile(Source.Replace("$NS$", "KcrUnload"), "KcrUnload");
        var woven = Infrastructure.Woven.Weave(dll, GuardKinds.None);
        long bytesBefore = Kcr.TotalBytes;
        var (context, type) = LoadAndUse(woven);
        Assert.True(Kcr.TotalBytes > bytesBefore + 32 * 1024, $"{Kcr.TotalBytes - bytesBefore} bytes cached");
        for (int i = 0; i < 20 && (context.IsAlive || type.IsAlive); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(type.IsAlive, "the module's result type is still reachable");
        Assert.False(context.IsAlive, "the load context was not collected");
        Assert.DoesNotContain(Kcr.Tables, t => t.MethodName.StartsWith("KcrUnload.", StringComparison.Ordinal));
        // Other tests' tables may insert meanwhile; the module's 35 KB must be gone.
        Assert.True(Kcr.TotalBytes < bytesBefore + 8 * 1024, $"{Kcr.TotalBytes - bytesBefore} bytes still accounted");
    }

    // Loads, calls from this thread and from two threads that end, and returns weak references only.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Context, WeakReference Type) LoadAndUse(string path)
    {
        var context = new AssemblyLoadContext("kcr-unload", isCollectible: true);
        var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(path));
        var k = assembly.GetType("KcrUnload.K", throwOnError: true)!;
        var make = k.GetMethod("Make", BindingFlags.Public | BindingFlags.Static)!;
        void Use()
        {
            for (int i = 0; i < 200; i++) make.Invoke(null, [i % 7, new byte[1000 + i % 5]]); // 35 keys of about 1 KB
        }
        Use();
        var threads = Enumerable.Range(0, 2).Select(_ => new Thread(Use)).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var table = Kcr.Tables.Single(t => t.MethodName.StartsWith("KcrUnload.K::Make", StringComparison.Ordinal));
        Assert.True(table.GetStatistics().Hits > 0);
        var point = new WeakReference(assembly.GetType("KcrUnload.Point", throwOnError: true));
        context.Unload();
        return (new WeakReference(context), point);
    }
}
