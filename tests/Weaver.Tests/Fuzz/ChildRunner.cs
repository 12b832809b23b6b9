using System.Diagnostics;
using System.Text.Json;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Fuzz;

/// <summary>What one call did in one run: its fate (ran, crashed, hung) and, when it ran, what it did.</summary>
public sealed record CallRun(string Fate, bool Changed, bool Violation, string Exception, string Detail)
{
    public const string Ran = "ran", Crashed = "crashed", Hung = "hung";
}

/// <summary>
/// Runs every call of a module in child processes (see <see cref="FuzzChild"/>): one child runs the calls in order;
/// when it dies or stops making progress, the call it was in is recorded as crashed or hung and a new child
/// continues after it.
/// </summary>
public static class ChildRunner
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(20);

    public static IReadOnlyList<CallRun> Run(BuiltModule module, bool woven)
    {
        var dir = SnippetCompiler.NewDirectory(woven ? "fuzz-run-woven" : "fuzz-run-unwoven");
        var resultFile = Path.Combine(dir, "results.tsv");
        var planFile = Path.Combine(dir, "plan.json");
        File.WriteAllText(planFile, JsonSerializer.Serialize(new FuzzPlan(module.Host, woven ? module.Woven : module.Unwoven,
            woven, [.. module.Calls], resultFile)));
        var runs = new CallRun?[module.Calls.Count];
        for (int start = 0; start < runs.Length;)
        {
            var (exitCode, hung, log) = RunChild(planFile, start, resultFile);
            int? open = null;
            foreach (var line in File.ReadLines(resultFile))
            {
                var f = line.Split('\t');
                int i = int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture);
                if (f[0] == "B") open = i;
                else if (f[0] == "R" && f.Length >= 6)
                {
                    runs[i] = new CallRun(CallRun.Ran, bool.Parse(f[2]), bool.Parse(f[3]), f[4], f[5]);
                    open = null;
                }
            }
            if (open is int at && runs[at] is null)
            {
                runs[at] = new CallRun(hung ? CallRun.Hung : CallRun.Crashed, false, false, "-",
                    hung ? $"no progress in {CallTimeout.TotalSeconds:0}s" : $"exit code {exitCode}: {log}");
                start = at + 1;
                continue;
            }
            // Not inside a call: the child either finished every call or failed before its first one.
            int missing = Array.FindIndex(runs, r => r is null);
            if (missing < 0) break;
            throw new InvalidOperationException($"fuzz child (exit code {exitCode}) did not run call {missing}: {log}");
        }
        return [.. runs.Select(r => r!)];
    }

    private static (int ExitCode, bool Hung, string Log) RunChild(string plan, int start, string resultFile)
    {
        var testDll = typeof(FuzzChild).Assembly.Location;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h
            : Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "exec", "--runtimeconfig", Path.ChangeExtension(testDll, ".runtimeconfig.json"), "--depsfile",
                     Path.ChangeExtension(testDll, ".deps.json"), testDll, FuzzChild.Verb, plan,
                     start.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        // A crash is an expected outcome here: no dump files, and quick JIT so that 300 one-shot methods start fast.
        psi.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        psi.Environment["DOTNET_TieredPGO"] = "0";
        psi.WorkingDirectory = Path.GetDirectoryName(plan)!;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        long length = -1;
        var lastProgress = Stopwatch.StartNew();
        bool hung = false;
        while (!process.WaitForExit(100))
        {
            long now = File.Exists(resultFile) ? new FileInfo(resultFile).Length : 0;
            if (now != length) { length = now; lastProgress.Restart(); }
            else if (lastProgress.Elapsed > CallTimeout)
            {
                hung = true;
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                process.WaitForExit();
                break;
            }
        }
        var err = (stderr.Result + stdout.Result).Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        return (hung ? -1 : process.ExitCode, hung, err.Length > 200 ? err[..200] : err);
    }
}
