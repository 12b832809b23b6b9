using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using KcrRuntime;
using Weaver.Engine.Diagnostics;

namespace Weaver.Cli.Commands;

/// <summary>
/// <c>weaver stats lib.dll --run Ns.Type::Method [--repeat N]</c>: loads a (memoized) assembly, calls a public or private
/// static parameterless driver method N times, and prints the KCR statistics of every table it used (<c>Kcr.DumpStats</c>,
/// KCR's debugfs <c>stats</c> file). The driver is the workload: typically a loop over representative inputs.
/// </summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("assembly") { Description = "The woven assembly whose memoized methods to measure." };
        var run = new Option<string>("--run") { Description = "A static parameterless method to run as the workload: Namespace.Type::Method.", Required = true };
        var repeat = new Option<int>("--repeat", "-n") { Description = "How many times to call it.", DefaultValueFactory = _ => 1 };
        var profileOut = new Option<string?>("--profile-out")
        {
            Description = "Also time the workload with KCR off, then on, and write which tables paid (a KCR profile for " +
                          "'weaver weave --memoize auto --memoize-profile' and 'weaver suggest --profile'). The driver then runs 2N+1 times: a warm-up and N without KCR, then N with it.",
        };
        var command = new Command("stats", "Run a static driver method of a memoized assembly and print the KCR cache statistics.") { input, run, repeat, profileOut };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(input)!;
            var target = parse.GetValue(run)!;
            int times = parse.GetValue(repeat);
            var separator = target.IndexOf("::", StringComparison.Ordinal);
            if (separator <= 0 || times < 0)
            {
                Console.Error.WriteLine($"weaver: error {DiagnosticCodes.BadOption}: --run takes Namespace.Type::Method and --repeat a count >= 0.");
                return ExitCodes.Usage;
            }
            if (!File.Exists(path))
            {
                Console.Error.WriteLine(new WeaverDiagnostic(DiagnosticCodes.InputNotFound, DiagnosticSeverity.Error, $"The file '{path}' does not exist.", path));
                return ExitCodes.Failed;
            }
            MethodInfo? method;
            try
            {
                var assembly = new RuntimeSharingContext(Path.GetFullPath(path)).LoadFromAssemblyPath(Path.GetFullPath(path));
                method = assembly.GetType(target[..separator].Replace('/', '+'), throwOnError: false)
                    ?.GetMethod(target[(separator + 2)..], BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, Type.EmptyTypes);
            }
            catch (Exception e) when (e is BadImageFormatException or FileLoadException or IOException)
            {
                Console.Error.WriteLine(new WeaverDiagnostic(DiagnosticCodes.BadImage, DiagnosticSeverity.Error, $"Cannot load the assembly: {e.Message}", path));
                return ExitCodes.Failed;
            }
            if (method is null)
            {
                Console.Error.WriteLine(new WeaverDiagnostic(DiagnosticCodes.BadOption, DiagnosticSeverity.Error, $"No static parameterless method {target} in the assembly.", path));
                return ExitCodes.Usage;
            }
            var profilePath = parse.GetValue(profileOut);
            KcrWorkloadTiming? timing = null;
            try
            {
                if (profilePath is not null) timing = Time(method, target, times);
                else for (int i = 0; i < times; i++) method.Invoke(null, null);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                Console.Error.WriteLine($"{target} threw {e.InnerException.GetType().Name}: {e.InnerException.Message}");
                Kcr.DumpStats(Console.Out);
                return ExitCodes.Failed;
            }
            Kcr.DumpStats(Console.Out);
            if (profilePath is not null && timing is not null)
            {
                var profile = KcrProfile.Capture(timing);
                try { profile.Save(profilePath); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine(new WeaverDiagnostic(DiagnosticCodes.OutputFailed, DiagnosticSeverity.Error, $"Cannot write the profile: {e.Message}", profilePath));
                    return ExitCodes.Failed;
                }
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"workload: {timing.WithoutKcrNanoseconds / 1e6:0.000} ms without KCR, {timing.WithKcrNanoseconds / 1e6:0.000} ms with it (speedup {timing.Speedup:0.000}x); " +
                    $"{profile.Tables.Count(t => t.Paid)} of {profile.Tables.Count} tables paid; profile written to {profilePath}"));
            }
            return ExitCodes.Success;
        });
        return command;
    }

    // A warm-up with KCR off (the original's first call pays the JIT), N calls off, then N on: the statistics are the on run's.
    private static KcrWorkloadTiming Time(MethodInfo method, string target, int times)
    {
        bool enabled = Kcr.Enabled;
        try
        {
            Kcr.Enabled = false;
            method.Invoke(null, null);
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < times; i++) method.Invoke(null, null);
            double without = watch.Elapsed.TotalNanoseconds;
            Kcr.Enabled = true;
            watch.Restart();
            for (int i = 0; i < times; i++) method.Invoke(null, null);
            return new KcrWorkloadTiming(target, times, without, watch.Elapsed.TotalNanoseconds);
        }
        finally
        {
            Kcr.Enabled = enabled;
        }
    }

    // Woven code must see the same KcrRuntime (and GuardRuntime) as this process, or the statistics would be another copy's.
    private sealed class RuntimeSharingContext(string path) : AssemblyLoadContext("weaver-stats")
    {
        private readonly string directory = Path.GetDirectoryName(path)!;

        protected override Assembly? Load(AssemblyName name)
        {
            if (GuardRuntime.Abi.AbiDescriptor.IsRuntimeAssembly(name.Name)) return null;
            var candidate = Path.Combine(directory, name.Name + ".dll");
            return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
        }
    }
}
