using System.Text.RegularExpressions;
using Weaver.MSBuild.Tests.Infrastructure;

namespace Weaver.MSBuild.Tests;

/// <summary>
/// The package as a user gets it: real `dotnet build` runs of one console project that references Weaver.MSBuild from a
/// local feed. The steps share that project and run in name order (S1, S2, ...); each leaves it woven and built.
/// </summary>
[Trait("Category", "Integration")]
[TestCaseOrderer(ByNameOrderer.TypeName, ByNameOrderer.AssemblyName)]
public sealed class MSBuildIntegrationTests(PackagedProjectFixture fixture) : IClassFixture<PackagedProjectFixture>
{
    [Fact]
    public void S1_The_first_build_weaves_the_assembly_that_reaches_bin_and_it_runs()
    {
        Assert.True(fixture.FirstBuild.Weaves == 1, $"expected exactly one weave. {fixture.FirstBuild}");

        Assert.NotNull(AssemblyFacts.WovenMarker(fixture.ObjAssembly));
        var marker = AssemblyFacts.WovenMarker(fixture.BinAssembly);
        Assert.NotNull(marker);
        Assert.Contains("guards=", marker);

        // Symbols were rewritten with the assembly, in obj/ and in bin/.
        Assert.True(AssemblyFacts.PdbMatches(fixture.ObjAssembly), "obj/ PDB does not match the woven assembly");
        Assert.True(AssemblyFacts.PdbMatches(fixture.BinAssembly), "bin/ PDB does not match the woven assembly");

        // The reference assembly is the compiler's (weaving keeps the public API, so it stays valid).
        var referenceAssembly = Path.Combine(fixture.ObjDirectory, "ref", "app.dll");
        Assert.True(File.Exists(referenceAssembly));
        Assert.Null(AssemblyFacts.WovenMarker(referenceAssembly));

        // The runtimes came with the package; the policy and report are where the properties say.
        Assert.True(File.Exists(Path.Combine(fixture.BinDirectory, "GuardRuntime.dll")));
        Assert.True(File.Exists(Path.Combine(fixture.BinDirectory, "KcrRuntime.dll")));
        Assert.True(File.Exists(Path.Combine(fixture.BinDirectory, "policy.json")));
        Assert.True(File.Exists(Path.Combine(fixture.ProjectDirectory, "obj", "weaver-report.json")));
        Assert.True(File.Exists(fixture.StampFile));

        var run = fixture.RunApp();
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(PackagedProjectFixture.ExpectedOutput, run.Output.Trim());
    }

    [Fact]
    public void S2_A_no_change_build_does_not_weave_and_leaves_bin_untouched()
    {
        var binTime = File.GetLastWriteTimeUtc(fixture.BinAssembly);
        var objTime = File.GetLastWriteTimeUtc(fixture.ObjAssembly);

        var build = fixture.Build();

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.False(build.MentionsWeaver, $"a no-change build must not weave. {build}");
        Assert.Contains("Skipping target \"_WeaverWeaveCore\"", build.Log);
        Assert.Equal(binTime, File.GetLastWriteTimeUtc(fixture.BinAssembly));
        Assert.Equal(objTime, File.GetLastWriteTimeUtc(fixture.ObjAssembly));
        Assert.NotNull(AssemblyFacts.WovenMarker(fixture.BinAssembly));
    }

    [Fact]
    public void S3_Touching_a_source_file_reweaves_exactly_once()
    {
        var binTime = File.GetLastWriteTimeUtc(fixture.BinAssembly);
        File.SetLastWriteTimeUtc(fixture.SourceFile, DateTime.UtcNow);

        var build = fixture.Build();
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.True(build.Weaves == 1, $"expected exactly one weave. {build}");
        Assert.DoesNotContain("WVR0100", build.Log); // not woven twice either
        Assert.NotEqual(binTime, File.GetLastWriteTimeUtc(fixture.BinAssembly));
        Assert.NotNull(AssemblyFacts.WovenMarker(fixture.BinAssembly));
        Assert.True(AssemblyFacts.PdbMatches(fixture.BinAssembly));

        var again = fixture.Build();
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.False(again.MentionsWeaver, $"the build after the re-weave must not weave. {again}");

        var run = fixture.RunApp();
        Assert.Equal(PackagedProjectFixture.ExpectedOutput, run.Output.Trim());
    }

    [Fact]
    public void S4_WeaverEnabled_false_gives_an_unwoven_assembly_and_true_weaves_it_again()
    {
        var disabled = fixture.Build("-p:WeaverEnabled=false");
        Assert.True(disabled.ExitCode == 0, disabled.ToString());
        Assert.False(disabled.MentionsWeaver, disabled.ToString());
        Assert.Null(AssemblyFacts.WovenMarker(fixture.BinAssembly));
        Assert.Equal(PackagedProjectFixture.ExpectedOutput, fixture.RunApp().Output.Trim());

        var enabled = fixture.Build();
        Assert.True(enabled.ExitCode == 0, enabled.ToString());
        Assert.True(enabled.Weaves == 1, enabled.ToString());
        Assert.NotNull(AssemblyFacts.WovenMarker(fixture.BinAssembly));
    }

    [Fact]
    public void S5_A_broken_policy_fails_the_build_with_a_diagnostic_naming_file_and_line()
    {
        var broken = Path.Combine(fixture.ProjectDirectory, "broken-policy.json");
        File.WriteAllText(broken, """
            {
              "default": {
                "rules": [
                  { "field": "Demo.Counter::Total", "action": "explode" }
                ]
              }
            }
            """);
        var binTime = File.GetLastWriteTimeUtc(fixture.BinAssembly);
        try
        {
            var build = fixture.Build("-p:WeaverPolicy=broken-policy.json");

            Assert.NotEqual(0, build.ExitCode);
            Assert.Matches(new Regex(@"broken-policy\.json\(4,\d+\): error WVR2\d{3}: "), build.Log);
            // Nothing half-written: no temp files, and bin/ still has the last good (woven) assembly.
            Assert.Empty(Directory.GetFiles(fixture.ObjDirectory, "*.tmp"));
            Assert.Equal(binTime, File.GetLastWriteTimeUtc(fixture.BinAssembly));
            Assert.NotNull(AssemblyFacts.WovenMarker(fixture.BinAssembly));
        }
        finally
        {
            File.Delete(broken);
        }

        // With the good policy back, the next build weaves (a failed weave leaves no stamp behind).
        var fixedBuild = fixture.Build();
        Assert.True(fixedBuild.ExitCode == 0, fixedBuild.ToString());
        Assert.True(fixedBuild.Weaves == 1, fixedBuild.ToString());
        Assert.NotNull(AssemblyFacts.WovenMarker(fixture.BinAssembly));
    }

    [Fact]
    public void S6_Clean_then_build_weaves_again()
    {
        var clean = fixture.Clean();
        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.False(File.Exists(fixture.StampFile), "dotnet clean must delete the stamp (it is in FileWrites)");
        Assert.False(File.Exists(fixture.BinAssembly));

        var build = fixture.Build();
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.True(build.Weaves == 1, build.ToString());
        Assert.NotNull(AssemblyFacts.WovenMarker(fixture.BinAssembly));
        Assert.Equal(PackagedProjectFixture.ExpectedOutput, fixture.RunApp().Output.Trim());
    }

    [Fact]
    public void S7_Publish_output_is_woven_and_carries_the_policy()
    {
        var publishDirectory = Path.Combine(fixture.Root, "publish");
        var publish = fixture.Publish(publishDirectory);
        Assert.True(publish.ExitCode == 0, publish.ToString());

        var published = Path.Combine(publishDirectory, "app.dll");
        Assert.NotNull(AssemblyFacts.WovenMarker(published));
        Assert.True(AssemblyFacts.PdbMatches(published));
        Assert.True(File.Exists(Path.Combine(publishDirectory, "policy.json")));
        Assert.True(File.Exists(Path.Combine(publishDirectory, "GuardRuntime.dll")));
    }

    [Fact]
    public void S8_The_weaver_tool_installs_from_the_local_feed_and_runs()
    {
        var toolPath = Path.Combine(fixture.Root, "tool");
        var install = fixture.Run(ProcessRunner.Dotnet,
            ["tool", "install", "--tool-path", toolPath, "--add-source", fixture.Feed, "--version", fixture.Version, "Weaver.Tool"]);
        Assert.True(install.ExitCode == 0, install.ToString());

        var weaver = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "weaver.exe" : "weaver");
        var help = fixture.Run(weaver, ["--help"], TimeSpan.FromMinutes(1));
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("weave", help.Output);
        Assert.Contains("inspect", help.Output);
    }
}
