using GuardRuntime;
using Kernel;

/// <summary>
/// <c>KernelDemo probe &lt;module.dll&gt; [--policy FILE] [--wait-ms N] [--unverified]</c>: boots a kernel under the
/// policy, loads one module, and reports what its threads did, for tests that must not risk their own process (a
/// module whose thread fault escaped containment ends this process, not the test host). Prints one line per fact:
/// <c>LOADED</c>/<c>REJECTED</c>, <c>FAULT phase type: message</c>, <c>STATE</c>, <c>KERNEL intact|CHANGED</c>,
/// and <c>ALIVE</c> last.
/// </summary>
internal static class Probe
{
    public static int Run(string[] args, string defaultPolicy)
    {
        if (args.Length < 1) { Console.Error.WriteLine("usage: KernelDemo probe <module.dll> [--policy FILE] [--wait-ms N] [--unverified]"); return 2; }
        string policy = Value(args, "--policy") ?? defaultPolicy;
        int waitMs = int.TryParse(Value(args, "--wait-ms"), out var w) ? w : 3000;
        using var host = new KernelHost(new KernelOptions { AllowUnverifiedModules = args.Contains("--unverified") });
        host.RegisterProtectedRegions();
        GuardPolicies.LoadFile(policy);
        string State() => $"uid={host.Scheduler.Current.Cred.Uid} euid={host.Scheduler.Current.Cred.Euid} init-uid={host.InitTask.Cred.Uid}";
        var kernelBefore = State();
        LoadedModule module;
        try { module = host.Modules.Load(args[0]); }
        catch (ModuleRejectedException e) { Console.WriteLine("REJECTED " + e.Message.Replace('\n', ' ')); Console.WriteLine("ALIVE"); return 0; }
        Console.WriteLine("LOADED " + module.Name);
        // Module threads report faults asynchronously; the kernel records them (and unloads a quarantined module) at
        // its safe points, which this loop provides.
        var until = Environment.TickCount64 + waitMs;
        // A quarantine is decided on the module's thread before its fault report reaches the kernel, so a quarantined
        // module without a recorded fault is waited for too (on a loaded machine the report can lag the state).
        while (Environment.TickCount64 < until && host.Faults.Count == 0)
        {
            Thread.Sleep(20);
            host.ProcessModuleFaults();
        }
        Thread.Sleep(100);
        host.ProcessModuleFaults();
        foreach (var fault in host.Faults) Console.WriteLine($"FAULT {fault.Phase} {fault.ExceptionType}: {fault.Message}");
        Console.WriteLine("STATE " + module.State);
        Console.WriteLine("KERNEL " + (State() == kernelBefore ? "intact" : "CHANGED") + " " + State());
        Console.WriteLine("ALIVE");
        return 0;
    }

    private static string? Value(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
