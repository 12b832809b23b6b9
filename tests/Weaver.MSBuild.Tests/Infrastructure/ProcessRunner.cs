using System.Diagnostics;
using System.Text;

namespace Weaver.MSBuild.Tests.Infrastructure;

/// <summary>What a child process printed (stdout and stderr interleaved) and how it ended.</summary>
public sealed record ProcessResult(int ExitCode, string Output)
{
    public override string ToString() => $"exit code {ExitCode}{Environment.NewLine}{Output}";
}

/// <summary>
/// Runs <c>dotnet</c> (and other commands) for the integration tests: no build servers, no inherited MSBuild
/// environment from the test host, a hard timeout, and no hang on a grandchild that keeps the output pipes open.
/// </summary>
public static class ProcessRunner
{
    /// <summary>The dotnet muxer that runs these tests (set by <c>dotnet test</c>), else the one on PATH.</summary>
    public static string Dotnet { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // `dotnet test` runs us with MSBuild variables of its own build (MSBuildExtensionsPath, MSBuildSDKsPath, ...);
        // a child build must find its SDK the ordinary way.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        // The installed tool's apphost must find the same runtime as the muxer that runs these tests.
        if (Path.IsPathRooted(Dotnet) && string.IsNullOrEmpty(start.Environment.TryGetValue("DOTNET_ROOT", out var root) ? root : null))
            start.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(Dotnet);
        if (environment is not null)
            foreach (var (key, value) in environment) start.Environment[key] = value;

        var output = new StringBuilder();
        using var stdoutClosed = new ManualResetEventSlim();
        using var stderrClosed = new ManualResetEventSlim();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is null) stdoutClosed.Set(); else lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is null) stderrClosed.Set(); else lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var limit = timeout ?? TimeSpan.FromMinutes(5);
        if (!process.WaitForExit(limit))
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            lock (output) throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' did not finish within {limit}:{Environment.NewLine}{output}");
        }
        // A server process left behind would hold the pipes open; do not wait for it.
        stdoutClosed.Wait(TimeSpan.FromSeconds(10));
        stderrClosed.Wait(TimeSpan.FromSeconds(10));
        lock (output) return new ProcessResult(process.ExitCode, output.ToString());
    }
}
