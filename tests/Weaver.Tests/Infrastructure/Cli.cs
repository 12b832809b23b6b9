using System.Diagnostics;
using System.Security.Cryptography;

namespace Weaver.Tests.Infrastructure;

/// <summary>Runs the real <c>weaver</c> CLI (weaver.dll, copied next to the tests by the project reference) as a child process.</summary>
public static class WeaverCli
{
    public sealed record Result(int ExitCode, string Out, string Err)
    {
        public string All => Out + Err;
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Err}";
    }

    public static string WeaverDll => Path.Combine(AppContext.BaseDirectory, "weaver.dll");

    public static Result Run(params string[] args)
    {
        Assert.True(File.Exists(WeaverDll), $"weaver.dll is not next to the tests ({WeaverDll})");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WeaverDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"weaver {string.Join(' ', args)} did not finish");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
