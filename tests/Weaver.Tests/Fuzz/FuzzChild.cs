using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using GuardRuntime;

namespace Weaver.Tests.Fuzz;

/// <summary>What a child process is asked to run: the calls of one module, woven or not, from an index on.</summary>
public sealed record FuzzPlan(string Host, string Module, bool Woven, List<int> Calls, string ResultFile);

/// <summary>
/// Runs generated calls in a child process (<c>Weaver.Tests.dll --fuzz-run plan.json start</c>), so that a call
/// that crashes or hangs the process (a framework write through a bad pointer, a violation on a framework
/// thread) is observed by the parent instead of taking the test run down. Before each call it restores the
/// protected bytes and snapshots them; after it, it snapshots again. It writes one line before (<c>B i</c>) and
/// one after (<c>R i changed violation exception detail</c>) each call, flushed, so the parent knows where a
/// crash happened and restarts after it.
/// </summary>
public static class FuzzChild
{
    public const string Verb = "--fuzz-run";

    /// <summary>The deny policy: every fuzz region, in the module's section and the default one.</summary>
    public static Policy DenyPolicy()
    {
        var rules = FuzzHostSource.RegionNames.Select(r => new PolicyRule(RuleSelector.Region, r, GuardAction.Throw)).ToArray();
        return new Policy
        {
            Default = new PolicySection { Rules = rules },
            Modules = [new ModuleSection { Module = ModuleSource.AssemblyName, Section = new PolicySection { Rules = rules } }],
        };
    }

    public static int Run(string[] args)
    {
        var plan = JsonSerializer.Deserialize<FuzzPlan>(File.ReadAllText(args[0]))!;
        int start = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
        var host = AssemblyLoadContext.Default.LoadFromAssemblyPath(plan.Host);
        var kernel = host.GetType("FuzzKernel.Kernel", throwOnError: true)!;
        var reset = kernel.GetMethod("Reset")!.CreateDelegate<Action>();
        var snapshot = kernel.GetMethod("Snapshot")!.CreateDelegate<Func<byte[]>>();
        var regionOf = kernel.GetMethod("RegionOf")!.CreateDelegate<Func<int, string>>();
        var module = new ModuleContext(plan.Module, host).LoadFromAssemblyPath(plan.Module);
        var calls = module.GetType(ModuleSource.CallsType, throwOnError: true)!;

        // The same state for both runs: regions registered and the deny policy installed (unwoven code ignores them).
        GuardPolicies.Install(DenyPolicy());
        kernel.GetMethod("Protect")!.Invoke(null, null);
        using var output = new StreamWriter(plan.ResultFile, append: true) { AutoFlush = true };
        for (int i = start; i < plan.Calls.Count; i++)
        {
            output.WriteLine("B\t" + i);
            var method = calls.GetMethod("C" + plan.Calls[i], BindingFlags.Public | BindingFlags.Static)!;
            reset();
            var before = snapshot();
            object? thrown;
            try { thrown = method.Invoke(null, null); }
            catch (TargetInvocationException e) { thrown = e.InnerException; }
            var after = snapshot();
            int diff = before.AsSpan().CommonPrefixLength(after);
            var violation = ViolationIn(thrown as Exception);
            string detail = (diff < before.Length ? "first changed byte " + regionOf(diff) + "; " : "")
                            + (violation?.Message ?? (thrown as Exception)?.Message ?? "");
            string exception = thrown is Exception x ? x.GetType().Name : "-";
            output.WriteLine(string.Join('\t', "R", i, diff < before.Length, violation is not null, exception, Clean(detail)));
        }
        reset();
        return 0;
    }

    private static GuardViolationException? ViolationIn(Exception? e)
    {
        for (; e is not null; e = e is AggregateException { InnerExceptions.Count: > 0 } a ? a.InnerExceptions[0] : e.InnerException)
            if (e is GuardViolationException v) return v;
        return null;
    }

    private static string Clean(string s)
    {
        var line = s.Split('\n')[0].Replace('\t', ' ').Trim();
        return line.Length > 300 ? line[..300] : line;
    }

    // The module gets its own context; the fuzz host is the one loaded in the default context (the same protected
    // objects for every module), the runtimes and the framework come from the default context too.
    private sealed class ModuleContext(string path, Assembly host) : AssemblyLoadContext("fuzz-" + Path.GetFileName(path))
    {
        protected override Assembly? Load(AssemblyName name) =>
            name.Name == FuzzHostSource.AssemblyName ? host : null;
    }
}
