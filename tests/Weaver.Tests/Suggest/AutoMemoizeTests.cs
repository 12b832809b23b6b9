using Weaver.Tests.Infrastructure;
using Weaver.Tests.Memoize;

namespace Weaver.Tests.Suggest;

/// <summary>
/// <c>--memoize auto</c> end to end: what it chooses on a module written for it, on the KCR samples and on three
/// libraries nobody here wrote, and that no auto-memoized method changes a result (woven against unwoven, seeded
/// random arguments, keys repeating so that the cache serves).
/// </summary>
[Collection(KcrStateCollection.Name)]
public sealed class AutoMemoizeTests
{
    private const string Library = """
        using System;
        namespace AutoLib;
        public static class Kernels
        {
            private static int s_calls;
            // Pure and dear: chosen.
            public static long SumOfSquares(int n) { long s = 0; for (int i = 0; i < n * 50; i++) s += (long)i * i % 7919; return s; }
            public static byte[] Expand(byte[] seed) { var r = new byte[seed.Length * 8]; for (int i = 0; i < r.Length; i++) r[i] = (byte)(seed[i % Math.Max(1, seed.Length)] * 31 + i); return r; }
            public static string Repeat(string s, int n) { var b = new System.Text.StringBuilder(); for (int i = 0; i < (n & 31); i++) b.Append(s).Append('/'); return b.ToString(); }
            // Impure: never chosen, whatever they cost.
            public static long Counted(int n) { s_calls++; long s = 0; for (int i = 0; i < n * 50; i++) s += i; return s + s_calls; }
            public static long Clocked(int n) { long s = DateTime.UtcNow.Ticks % 2; for (int i = 0; i < n * 50; i++) s += i; return s; }
            public static int Scribble(byte[] data) { int s = 0; for (int i = 0; i < data.Length; i++) { s += data[i]; data[i] = 0; } return s; }
            public static byte[] Alias(byte[] data) { int s = 0; for (int i = 0; i < data.Length; i++) s += data[i]; return s > 0 ? data : new byte[1]; }
            // Pure but cheaper than a hit: not chosen.
            public static int Add(int a, int b) => a + b;
        }
        """;

    [Fact]
    public void Auto_chooses_the_pure_dear_methods_and_never_an_impure_one()
    {
        var dll = SnippetCompiler.Compile(Library, "AutoLib");
        var run = AutoMemoizeDifferential.Run(dll);
        Assert.Equal(
            ["AutoLib.Kernels::Expand(System.Byte[])", "AutoLib.Kernels::Repeat(System.String,System.Int32)", "AutoLib.Kernels::SumOfSquares(System.Int32)"],
            run.Memoized.Order(StringComparer.Ordinal));
        Assert.Empty(run.Mismatches);
        Assert.Equal(3, run.Exercised);
        Assert.True(run.Hits > 0, "the differential run never hit the cache, so it proved nothing about served results");
    }

    [Fact]
    public void Auto_on_the_KCR_samples_keeps_the_annotated_methods_and_adds_none_that_change_results()
    {
        var dll = CopyBeside("KcrSamples.dll");
        var run = AutoMemoizeDifferential.Run(dll);
        Assert.Contains("KcrSamples.CryptoKernels::Sha256(System.Byte[])", run.Memoized);
        Assert.Empty(run.Mismatches);
    }

    [Theory]
    [InlineData("Markdig.dll")]
    [InlineData("Humanizer.dll")]
    [InlineData("NodaTime.dll")]
    public void Auto_on_a_real_library_changes_no_result(string library)
    {
        var dll = CopyBeside(library);
        var run = AutoMemoizeDifferential.Run(dll);
        Assert.NotEmpty(run.Memoized);
        Assert.True(run.Mismatches.Count == 0, string.Join("\n", run.Mismatches));
        Assert.True(run.Exercised * 2 >= run.Memoized.Count,
            $"only {run.Exercised} of {run.Memoized.Count} memoized methods could be called: {string.Join(", ", run.Unexercised)}");
        Assert.True(run.Hits > 0, "no hit: the run did not exercise served results");
    }

    // The library as it was restored (next to the tests), copied alone into a fresh folder to be woven there.
    internal static string CopyBeside(string file)
    {
        var dir = SnippetCompiler.NewDirectory(Path.GetFileNameWithoutExtension(file));
        var target = Path.Combine(dir, file);
        File.Copy(Path.Combine(AppContext.BaseDirectory, file), target);
        return target;
    }
}
