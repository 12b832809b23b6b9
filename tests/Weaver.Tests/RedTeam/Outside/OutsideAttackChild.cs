using System.Text.Json;
using GuardRuntime;
using Kernel;
using Workload;

namespace Weaver.Tests.RedTeam.Outside;

/// <summary>What one child run saw.</summary>
public sealed record ChildResult(long Violations, List<string> ViolationMessages, List<string> Faults, string? LoadError, List<string> Changes);

/// <summary>
/// Runs one hostile module in this (child) process exactly as KernelDemo does: a kernel with the woven e1000e driver,
/// traffic, <c>RegisterProtectedRegions</c> and the demo's policy file; then loads the module, lets its threads,
/// timers and finalizers run, and prints the violations seen and the kernel state that changed as one JSON line.
/// </summary>
public static class OutsideAttackChild
{
    public const string Verb = "--outside-attack";

    /// <summary>Set to 1 by the harness for the unwoven control run.</summary>
    public const string UnverifiedVariable = "OUTSIDE_ATTACK_UNVERIFIED";
    public const string ResultPrefix = "OUTSIDE-RESULT ";

    // args: <module.dll> <woven E1000e.dll> <policy.json>
    public static int Run(string[] args)
    {
        string module = args[0], driver = args[1], policy = args[2];
        // The unwoven control run is the host's explicit choice to load unverified code (the loader refuses it otherwise).
        using var host = new KernelHost(new KernelOptions
        {
            AllowUnverifiedModules = Environment.GetEnvironmentVariable(UnverifiedVariable) == "1",
        });
        host.Modules.Load(driver);
        TrafficWorkload.Run(host, 300, 7); // opens eth0: its DMA windows and statistics exist from here on
        host.RegisterProtectedRegions();
        GuardPolicies.LoadFile(policy);
        host.RunPendingWork();

        long violations = 0;
        var messages = new List<string>();
        Violations.Raised += v =>
        {
            Interlocked.Increment(ref violations);
            lock (messages) messages.Add(v.ToString());
        };
        long totalBefore = Violations.Total;
        int faultsBefore = host.Faults.Count;
        var before = KernelSnapshot.Capture(host);
        string? loadError = null;
        try { host.Modules.Load(module); }
        catch (Exception e) { loadError = e.GetType().FullName + ": " + e.Message + (e.InnerException is { } inner ? " --> " + inner.GetType().FullName + ": " + inner.Message : ""); }
        // Threads, thread-pool items, timers and kernel timers of the module get their chance; then the finalizers.
        host.RunPendingWork();
        Thread.Sleep(250);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Thread.Sleep(50);
        host.RunPendingWork();
        var after = KernelSnapshot.Capture(host);
        var result = new ChildResult(Math.Max(Interlocked.Read(ref violations), Violations.Total - totalBefore), [.. messages.Take(5)],
            [.. host.Faults.Skip(faultsBefore).Select(f => $"{f.Module} {f.Phase}: {f.ExceptionType}: {f.Message}")], loadError,
            KernelSnapshot.Diff(before, after));
        Console.Out.WriteLine(ResultPrefix + JsonSerializer.Serialize(result));
        Console.Out.Flush();
        Thread.Sleep(100); // a late crash (a violation on a module thread) still shows in the exit code
        return 0;
    }
}
