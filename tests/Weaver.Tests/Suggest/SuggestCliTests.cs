using System.Text.Json;
using Weaver.Tests.Infrastructure;
using Weaver.Tests.Memoize;

namespace Weaver.Tests.Suggest;

/// <summary><c>weaver suggest</c>, <c>weaver stats --profile-out</c> and <c>--memoize-profile</c> through the real CLI.</summary>
[Collection(KcrStateCollection.Name)]
public sealed class SuggestCliTests
{
    private const string Profiled = """
        namespace Profiled;
        public static class K
        {
            // Both pure and dear; the driver repeats Repeated's keys and never Unique's.
            public static long Repeated(int n) { long s = 0; for (int i = 0; i < 4000; i++) s += (long)(i ^ n) * i % 7919; return s; }
            public static long Unique(int n) { long s = 0; for (int i = 0; i < 4000; i++) s += (long)(i ^ n) * i % 7907; return s; }
            private static int s_next;
            public static void Drive() { for (int i = 0; i < 200; i++) { Repeated(i % 4); Unique(s_next++); } }
        }
        """;

    [Fact]
    public void Suggest_ranks_the_samples_and_names_why_it_rejects_a_persons_pick()
    {
        var dll = AutoMemoizeTests.CopyBeside("KcrSamples.dll");
        var result = WeaverCli.Run("suggest", dll);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"\d\* KcrSamples\.CryptoKernels::Sha256 \[Memoize\]", result.Out);
        Assert.Matches(@"NextTicket\(System\.Int32\) \[Memoize\]: .*Interlocked\.Increment", result.Out);

        var json = WeaverCli.Run("suggest", dll, "--json");
        Assert.Equal(0, json.ExitCode);
        using var document = JsonDocument.Parse(json.Out);
        var suggested = document.RootElement.GetProperty("suggested").EnumerateArray().ToList();
        Assert.Contains(suggested, s => s.GetProperty("method").GetString() == "KcrSamples.CryptoKernels::Sha256(System.Byte[])"
                                         && s.GetProperty("selected").GetBoolean() && s.GetProperty("annotated").GetBoolean());
        Assert.Contains(document.RootElement.GetProperty("rejected").EnumerateArray(),
            r => r.GetProperty("method").GetString()!.Contains("NextTicket") && r.GetProperty("category").GetString() == "impure");
    }

    [Fact]
    public void Suggest_reports_bad_input_with_a_code_and_a_non_zero_exit()
    {
        var missing = WeaverCli.Run("suggest", "/nonexistent/Nope.dll");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("error WVR0001", missing.Err);

        var dll = AutoMemoizeTests.CopyBeside("KcrSamples.dll");
        var garbage = Path.Combine(Path.GetDirectoryName(dll)!, "bad.json");
        File.WriteAllText(garbage, "{ \"format\": \"something-else\" }");
        var badProfile = WeaverCli.Run("suggest", dll, "--profile", garbage);
        Assert.Equal(1, badProfile.ExitCode);
        Assert.Contains("error WVR1050", badProfile.Err);
        Assert.Contains("bad.json", badProfile.Err);

        var woven = Woven.Weave(dll, Weaver.Engine.Pipeline.GuardKinds.None);
        var wovenInput = WeaverCli.Run("suggest", woven);
        Assert.Equal(1, wovenInput.ExitCode);
        Assert.Contains("error WVR1051", wovenInput.Err);

        var help = WeaverCli.Run("suggest", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--profile", help.Out);
    }

    [Fact]
    public void A_profile_of_a_run_drops_the_table_that_did_not_pay_from_the_next_weave()
    {
        var dll = SnippetCompiler.Compile(Profiled, "Profiled");
        var dir = Path.GetDirectoryName(dll)!;
        var first = Path.Combine(dir, "first", "Profiled.dll");
        var weave = WeaverCli.Run("weave", dll, "-o", first, "--memoize", "auto", "--guards", "none");
        Assert.True(weave.ExitCode == 0, weave.ToString());
        Assert.Contains("WVR1052", weave.Out);
        Assert.Contains("Profiled.K::Unique(System.Int32)", weave.Out);

        var profile = Path.Combine(dir, "profile.json");
        var stats = WeaverCli.Run("stats", first, "--run", "Profiled.K::Drive", "--repeat", "3", "--profile-out", profile);
        Assert.True(stats.ExitCode == 0, stats.ToString());
        Assert.Contains("workload:", stats.Out);
        var loaded = KcrRuntime.KcrProfile.Load(profile);
        Assert.True(loaded.Find("Profiled.K::Repeated(System.Int32)")!.Paid);
        Assert.False(loaded.Find("Profiled.K::Unique(System.Int32)")!.Paid);
        Assert.NotNull(loaded.Workload);

        var suggest = WeaverCli.Run("suggest", dll, "--profile", profile);
        Assert.True(suggest.ExitCode == 0, suggest.ToString());
        Assert.Matches(@"Unique\(System\.Int32\): did not pay in the profiled run", suggest.Out);

        var second = Path.Combine(dir, "second", "Profiled.dll");
        var report = Path.Combine(dir, "second.json");
        var reweave = WeaverCli.Run("weave", dll, "-o", second, "--memoize", "auto", "--memoize-profile", profile, "--guards", "none", "--report", report);
        Assert.True(reweave.ExitCode == 0, reweave.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        var memoized = json.RootElement.GetProperty("memoized").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["Profiled.K::Repeated(System.Int32)"], memoized);
    }
}
