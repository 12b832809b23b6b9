using System.Reflection;
using System.Text.RegularExpressions;
using Weaver.MSBuild.Tests.Infrastructure;

namespace Weaver.MSBuild.Tests;

/// <summary>
/// What the README tells a user outside this repository, done for real in a temp folder: <c>tools/pack.sh</c> makes a
/// local feed, <c>dotnet new console</c> makes a fresh project in another folder, <c>dotnet add package Weaver.MSBuild
/// --source &lt;feed&gt;</c> adds the package (restoring from that feed alone: it must hold every dependency), and
/// <c>dotnet build</c> weaves. Runs in CI with the rest (<c>bash tools/test.sh</c> runs every category).
/// </summary>
[Trait("Category", "Integration")]
public sealed class FreshProjectFromFeedTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("weaver-fresh-project-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public void A_fresh_project_gets_the_package_from_the_pack_script_s_feed_and_is_woven_on_build()
    {
        var repository = Metadata("RepositoryRoot");
        var version = $"0.1.0-fresh.{DateTime.UtcNow:yyMMddHHmmss}{Environment.ProcessId % 1000:D3}";
        var feed = Path.Combine(root, "feed");
        // A packages folder of its own: nothing cached by an earlier run can stand in for the feed.
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(root, "packages") };

        var pack = ProcessRunner.Run("bash",
            [Path.Combine(repository, "tools", "pack.sh"), "--no-build", "-c", Metadata("BuildConfiguration"), "--output", feed, "--version", version],
            repository, timeout: TimeSpan.FromMinutes(5)); // the repository's own packages folder (dependencies come from it)
        Assert.True(pack.ExitCode == 0, pack.ToString());
        Assert.Contains($"dotnet add package Weaver.MSBuild --version {version} --source {feed}", pack.Output);

        var app = Path.Combine(root, "app");
        Step(ProcessRunner.Run(ProcessRunner.Dotnet, ["new", "console", "-o", app, "--no-restore"], root, environment));
        Step(ProcessRunner.Run(ProcessRunner.Dotnet, ["add", "package", "Weaver.MSBuild", "--version", version, "--source", feed],
            app, environment, TimeSpan.FromMinutes(5)));
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            var counter = new Counter();
            for (var i = 1; i <= 4; i++) counter.Add(i);
            Console.WriteLine($"total={counter.Total} squares={string.Join(",", counter.Squares)}");

            sealed class Counter
            {
                public int Total;
                public int[] Squares = new int[4];
                public void Add(int value) { Total += value; Squares[value - 1] = value * value; }
            }
            """);

        var build = ProcessRunner.Run(ProcessRunner.Dotnet, ["build", "-nodeReuse:false", "-tl:off", "-v:n", "-p:UseSharedCompilation=false"],
            app, environment, TimeSpan.FromMinutes(5));
        Assert.True(build.ExitCode == 0, build.ToString());
        var summary = Regex.Match(build.Output, @"message WVR0101: Wove 'app': (\d+) guards");
        Assert.True(summary.Success, build.ToString());
        Assert.True(int.Parse(summary.Groups[1].Value) >= 2, summary.Value); // the field store and the array store
        Assert.Contains("message WVR0102: Accepted by the guard verifier", build.Output);

        var dll = Path.Combine(app, "bin", "Debug", "net10.0", "app.dll");
        Assert.NotNull(AssemblyFacts.WovenMarker(dll));
        Assert.True(File.Exists(Path.Combine(app, "bin", "Debug", "net10.0", "GuardRuntime.dll")));
        var run = ProcessRunner.Run(ProcessRunner.Dotnet, ["exec", dll], app, environment, TimeSpan.FromMinutes(1));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("total=10 squares=1,4,9,16", run.Output.Trim());
    }

    private static void Step(ProcessResult result) => Assert.True(result.ExitCode == 0, result.ToString());

    private static string Metadata(string key) =>
        typeof(FreshProjectFromFeedTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
