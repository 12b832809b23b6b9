using System.Reflection;
using System.Text.RegularExpressions;

namespace Weaver.MSBuild.Tests.Infrastructure;

/// <summary>One `dotnet build` of the consumer project: its exit code, its log (-v:n) and how many weaves it did.</summary>
public sealed record BuildRun(int ExitCode, string Log)
{
    /// <summary>How many times the build wove the assembly (the engine's WVR0101 summary message).</summary>
    public int Weaves => Regex.Matches(Log, @"message WVR0101:").Count;

    /// <summary>Whether any weaver diagnostic (WVRxxxx) appears in the log.</summary>
    public bool MentionsWeaver => Regex.IsMatch(Log, @"\bWVR\d{4}\b");

    public override string ToString() => $"dotnet build exited with {ExitCode}:{Environment.NewLine}{Log}";
}

/// <summary>
/// Packs the runtimes (ABI and host packages), Weaver.MSBuild and Weaver.Tool once, with a version unique to this run, into a
/// temporary local feed, and creates ONE fresh console project that references Weaver.MSBuild from it, restored into
/// a fresh NuGet packages folder (so no cached package from an earlier run can hide a bug), and builds it once.
/// </summary>
/// <remarks>
/// The packages are packed with --no-build from the outputs of this test project's own build (it references the
/// projects, so they are built in its configuration): no second compile of the repository, and nothing written to
/// the other projects' obj/ and bin/ except the tool's publish folder.
/// </remarks>
public sealed class PackagedProjectFixture : IDisposable
{
    public const string ExpectedOutput = "total=10 last=4 history=3,4,2 instances=1";

    public PackagedProjectFixture()
    {
        RepositoryRoot = Metadata("RepositoryRoot");
        var configuration = Metadata("BuildConfiguration");
        Version = $"0.1.0-test.{DateTime.UtcNow:yyMMddHHmmss}{Environment.ProcessId % 1000:D3}";
        Root = Path.Combine(Path.GetTempPath(), $"weaver-msbuild-tests-{Guid.NewGuid():N}");
        Feed = Path.Combine(Root, "feed");
        PackagesFolder = Path.Combine(Root, "packages");
        ProjectDirectory = Path.Combine(Root, "app");
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(ProjectDirectory);
        ChildEnvironment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = PackagesFolder };

        try
        {
            Pack(configuration);
            WriteProject();
            FirstBuild = Build();
            if (FirstBuild.ExitCode != 0) throw new InvalidOperationException($"The first build of the consumer project failed. {FirstBuild}");
        }
        catch
        {
            Dispose(); // xunit does not dispose a fixture whose constructor threw
            throw;
        }
    }

    public string RepositoryRoot { get; }
    public string Version { get; }
    public string Root { get; }
    public string Feed { get; }
    public string PackagesFolder { get; }
    public string ProjectDirectory { get; }
    public IReadOnlyDictionary<string, string> ChildEnvironment { get; }
    public BuildRun FirstBuild { get; }

    public string ProjectFile => Path.Combine(ProjectDirectory, "app.csproj");
    public string SourceFile => Path.Combine(ProjectDirectory, "Program.cs");
    public string ObjDirectory => Path.Combine(ProjectDirectory, "obj", "Debug", "net10.0");
    public string BinDirectory => Path.Combine(ProjectDirectory, "bin", "Debug", "net10.0");
    public string ObjAssembly => Path.Combine(ObjDirectory, "app.dll");
    public string BinAssembly => Path.Combine(BinDirectory, "app.dll");
    public string StampFile => Path.Combine(ObjDirectory, "app.weaver.stamp");

    /// <summary>`dotnet build` of the consumer project with -v:n (weaver messages are normal importance), no build servers.</summary>
    public BuildRun Build(params string[] extra) => Dotnet(["build", ProjectFile, .. CommonBuildArguments, .. extra]);

    /// <summary>`dotnet publish` (Release, its own obj/ folder) of the consumer project into <paramref name="output"/>.</summary>
    public BuildRun Publish(string output) => Dotnet(["publish", ProjectFile, "-c", "Release", "-o", output, .. CommonBuildArguments]);

    public BuildRun Clean() => Dotnet(["clean", ProjectFile, .. CommonBuildArguments]);

    /// <summary>Runs the built app with `dotnet bin/.../app.dll`.</summary>
    public ProcessResult RunApp() =>
        ProcessRunner.Run(ProcessRunner.Dotnet, ["exec", BinAssembly], ProjectDirectory, ChildEnvironment, TimeSpan.FromMinutes(1));

    public ProcessResult Run(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null) =>
        ProcessRunner.Run(fileName, arguments, Root, ChildEnvironment, timeout);

    private static readonly string[] CommonBuildArguments =
        ["-nodeReuse:false", "-tl:off", "-v:n", "-p:UseSharedCompilation=false"];

    private BuildRun Dotnet(string[] arguments)
    {
        var result = ProcessRunner.Run(ProcessRunner.Dotnet, arguments, ProjectDirectory, ChildEnvironment);
        return new BuildRun(result.ExitCode, result.Output);
    }

    private void Pack(string configuration)
    {
        // A solution file (.slnx) lists the packable projects, so that one dotnet invocation packs them all. The engine
        // is listed too (its package is not used): a project outside the solution would be resolved in the default
        // configuration by the tool's publish step.
        string Project(string relative) => Path.Combine(RepositoryRoot, relative);
        var solution = Path.Combine(Root, "pack.slnx");
        File.WriteAllText(solution, $"""
            <Solution>
              <Project Path="{Project("src/GuardRuntime/Abi/GuardRuntime.Abi.csproj")}" />
              <Project Path="{Project("src/GuardRuntime/Host/GuardRuntime.csproj")}" />
              <Project Path="{Project("src/KcrRuntime/Abi/KcrRuntime.Abi.csproj")}" />
              <Project Path="{Project("src/KcrRuntime/Host/KcrRuntime.csproj")}" />
              <Project Path="{Project("src/Weaver/Weaver.MSBuild/Weaver.MSBuild.csproj")}" />
              <Project Path="{Project("src/Weaver/Weaver.Cli/Weaver.Cli.csproj")}" />
              <Project Path="{Project("src/Weaver/Weaver.Engine/Weaver.Engine.csproj")}" />
            </Solution>
            """);
        var result = ProcessRunner.Run(ProcessRunner.Dotnet,
            ["pack", solution, "-c", configuration, "--no-build", "-nodeReuse:false", "-tl:off",
             $"-p:Version={Version}", $"-p:NuspecOutputPath={Path.Combine(Root, "nuspec")}{Path.DirectorySeparatorChar}", "-o", Feed],
            Root, ChildEnvironment);
        foreach (var id in new[] { "GuardRuntime.Abi", "GuardRuntime", "KcrRuntime.Abi", "KcrRuntime", "Weaver.MSBuild", "Weaver.Tool" })
            if (result.ExitCode != 0 || !File.Exists(Path.Combine(Feed, $"{id}.{Version}.nupkg")))
                throw new InvalidOperationException($"Packing failed ({id}.{Version}.nupkg missing). {result}");
    }

    private void WriteProject()
    {
        // Stop MSBuild and NuGet from picking up anything above the temp folder; add the feed to the normal sources.
        File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Packages.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="weaver-test-feed" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(ProjectFile, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <AssemblyName>app</AssemblyName>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <WeaverPolicy>policy.json</WeaverPolicy>
                <WeaverReport>obj/weaver-report.json</WeaverReport>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Weaver.MSBuild" Version="{Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(SourceFile, """
            var counter = new Demo.Counter();
            for (var i = 0; i < 5; i++) counter.Add(i);
            Console.WriteLine($"total={counter.Total} last={counter.Last} history={string.Join(",", counter.History)} instances={Demo.Counter.Instances}");

            namespace Demo
            {
                public sealed class Counter
                {
                    public int Total;
                    public int Last;
                    public int[] History = new int[3];
                    public static int Instances;

                    public Counter() => Instances++;

                    public void Add(int value)
                    {
                        Total += value;
                        Last = value;
                        History[value % 3] = value;
                    }
                }
            }
            """);
        File.WriteAllText(Path.Combine(ProjectDirectory, "policy.json"), """
            {
              // Audit every store to the counter's total.
              "version": 1,
              "default": {
                "rules": [
                  { "field": "Demo.Counter::Total", "action": "audit" },
                ],
              },
            }
            """);
    }

    private static string Metadata(string key) =>
        typeof(PackagedProjectFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"No {key} metadata.");

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { /* a file still open: leave the temp folder behind */ }
        catch (UnauthorizedAccessException) { }
    }
}
