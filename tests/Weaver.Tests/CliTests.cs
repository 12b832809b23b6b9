using System.Reflection;
using System.Text.Json;
using GuardRuntime;
using Weaver.Engine;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests;

/// <summary>The real CLI, as a child process: verify and inspect woven assemblies, the marker, and <c>--guards</c>.</summary>
public class CliTests
{
    [Fact]
    public void Verify_compiles_every_method_of_the_woven_store_forms_in_Release_and_Debug()
    {
        foreach (var build in new[] { StoreForms.Optimized, StoreForms.Unoptimized })
        {
            var r = WeaverCli.Run("verify", build.WovenPath);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains(" 0 failed", r.Out);
            Assert.DoesNotContain(" 0 methods compiled", r.Out);
        }
    }

    [Fact]
    public void Inspect_require_guarded_finds_no_unguarded_store()
    {
        foreach (var build in new[] { StoreForms.Optimized, StoreForms.Unoptimized })
        {
            var r = WeaverCli.Run("inspect", "--require-guarded", build.WovenPath);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("unguarded stores: 0", r.Out);
            // ... and the unwoven input is reported as such, with exit code 3.
            var u = WeaverCli.Run("inspect", "--require-guarded", build.UnwovenPath);
            Assert.True(u.ExitCode == 3, u.ToString());
            Assert.Contains("not woven", u.Out);
        }
    }

    [Fact]
    public void Woven_assembly_carries_the_marker_and_inspect_shows_the_version()
    {
        var (unwoven, woven) = StoreForms.Optimized.LoadPair();
        Assert.DoesNotContain(unwoven.GetCustomAttributes<AssemblyMetadataAttribute>(), a => a.Key == WeaverInfo.MarkerKey);
        var marker = Assert.Single(woven.GetCustomAttributes<AssemblyMetadataAttribute>(), a => a.Key == WeaverInfo.MarkerKey);
        Assert.Contains($"version={WeaverInfo.Version};", marker.Value);
        Assert.Matches(@"guards=[1-9]\d*", marker.Value);
        Assert.NotNull(GuardManifest.FromAssembly(woven));

        var r = WeaverCli.Run("inspect", StoreForms.Optimized.WovenPath);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains($"woven (version={WeaverInfo.Version}", r.Out);
        Assert.Contains($"weaver {WeaverInfo.Version}", r.Out);
    }

    [Fact]
    public void Guards_fields_guards_only_stfld()
    {
        var dir = SnippetCompiler.NewDirectory("guards-fields");
        var output = Path.Combine(dir, "FieldsOnly.dll");
        var w = WeaverCli.Run("weave", StoreForms.Optimized.UnwovenPath, "-o", output, "--guards", "fields");
        Assert.True(w.ExitCode == 0, w.ToString());

        using var json = JsonDocument.Parse(WeaverCli.Run("inspect", "--json", output).Out);
        var guarded = json.RootElement.GetProperty("guarded").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(["stfld"], guarded.Keys);
        var unguarded = json.RootElement.GetProperty("unguarded").EnumerateArray().Select(u => u.GetProperty("OpCode").GetString()).ToList();
        Assert.DoesNotContain("stfld", unguarded);
        foreach (var other in new[] { "stsfld", "stelem.i4", "stind.i4", "stobj", "initobj", "cpblk", "initblk", "stelem" })
            Assert.Contains(other, unguarded);

        using var all = JsonDocument.Parse(WeaverCli.Run("inspect", "--json", StoreForms.Optimized.WovenPath).Out);
        Assert.Equal(all.RootElement.GetProperty("guarded").GetProperty("stfld").GetInt32(), guarded["stfld"]);

        var bad = WeaverCli.Run("weave", StoreForms.Optimized.UnwovenPath, "-o", Path.Combine(dir, "x.dll"), "--guards", "fields,bogus");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("WVR0009", bad.Err);
        Assert.Contains("bogus", bad.Err);
        Assert.False(File.Exists(Path.Combine(dir, "x.dll")));
    }
}
