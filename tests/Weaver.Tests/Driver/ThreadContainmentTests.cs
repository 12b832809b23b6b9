using System.Diagnostics;
using Kernel;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Driver;

/// <summary>
/// A violation on a thread a module started — a new thread, the pool, a task, a timer, an async void method,
/// Parallel.For — or on the runtime's finalizer thread (a module's finalizer) is reported and handled like one in Init (the module is faulted, quarantined and unloaded) and the
/// kernel lives on. Each runs in a child kernel (KernelDemo probe), so a containment failure ends that process, not
/// the test host; the unwoven control shows that it would.
/// </summary>
public sealed class ThreadContainmentTests
{
    private static readonly string PolicyPath = Path.Combine(AppContext.BaseDirectory, "Driver", "policy.json");
    private static readonly string Probe = Path.Combine(AppContext.BaseDirectory, "KernelDemo.dll");

    private const string Template = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Kernel;
        namespace Threads {
        public sealed class M : IKernelModule {
            public static Timer Held;
            public string Name => "threads";
            public void Exit() { }
            public void Init(KernelApi k) {
                Credentials cred = k.CurrentTask.Cred;
                BODY
            }
            static async void Later(Credentials cred) { await Task.Yield(); cred.Uid = 0; }
            [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
            static void Drop(Credentials cred) { _ = new Doomed(cred); }
        }
        sealed class Doomed {
            private readonly Credentials cred;
            public Doomed(Credentials cred) => this.cred = cred;
            ~Doomed() { cred.Uid = 0; }
        } }
        """;

    [Theory]
    [InlineData("thread", "new Thread(() => cred.Uid = 0).Start();")]
    [InlineData("pool", "ThreadPool.QueueUserWorkItem(_ => cred.Uid = 0);")]
    [InlineData("task", "Task.Run(() => cred.Uid = 0);")]
    [InlineData("timer", "Held = new Timer(_ => cred.Uid = 0, null, 10, Timeout.Infinite);")]
    [InlineData("asyncvoid", "Later(cred);")]
    [InlineData("parallel", "Parallel.For(0, 64, i => { Thread.Sleep(1); cred.Uid = 0; });")]
    [InlineData("finalizer", "Drop(cred); GC.Collect(); GC.WaitForPendingFinalizers();")]
    public void A_violation_on_a_module_thread_is_reported_handled_and_the_kernel_lives(string how, string body)
    {
        var woven = KernelModules.Woven(Template.Replace("BODY", body), "Threads." + how);

        // The probe stops waiting at the first fault; the long bound only matters on a loaded machine, where a pool
        // thread or timer may not run within the probe's default 3 s (the test then failed without a fault to see).
        var run = RunProbe(woven, "--wait-ms", "30000");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("ALIVE", run.Out);
        Assert.Contains("KERNEL intact", run.Out);
        Assert.Contains("FAULT ", run.Out);
        if (how == "parallel")
        {
            // Which iteration faults first is the scheduler's choice: a worker's violation (reported as itself), the
            // calling thread's (Parallel.For wraps it in an AggregateException), or a later iteration refused because
            // a worker already quarantined the module. Each one is the guard stopping the store.
            Assert.Matches("FAULT .*(GuardRuntime.GuardViolationException|System.AggregateException|"
                           + "GuardRuntime.ModuleQuarantinedException)", run.Out);
        }
        else
        {
            Assert.Contains("GuardRuntime.GuardViolationException", run.Out);
            Assert.Contains("Kernel.Credentials::Uid", run.Out);
        }
        // Parallel.For's violation escapes into Init on the calling thread (a fault, as a store in Init would be) or is
        // reported from a worker (a quarantine); every other one only from the module's own thread.
        Assert.Contains(how == "parallel" ? "STATE " : "STATE Quarantined", run.Out);
    }

    [Fact]
    public void The_unwoven_module_s_thread_fault_ends_the_kernel_process()
    {
        // The control: the same module unwoven, with a store the runtime cannot stop, so its thread throws itself.
        var dll = KernelModules.Compile(Template.Replace("BODY",
            "new Thread(() => throw new InvalidOperationException(\"thread bug\")).Start(); Thread.Sleep(500);"), "Threads.Control");
        var run = RunProbe(dll, "--unverified");
        Assert.NotEqual(0, run.ExitCode);
        Assert.DoesNotContain("ALIVE", run.Out);

        var woven = KernelModules.Woven(Template.Replace("BODY",
            "new Thread(() => throw new InvalidOperationException(\"thread bug\")).Start(); Thread.Sleep(500);"), "Threads.Contained");
        var contained = RunProbe(woven);
        Assert.True(contained.ExitCode == 0, contained.ToString());
        Assert.Contains("FAULT thread System.InvalidOperationException: thread bug", contained.Out);
        Assert.Contains("STATE Quarantined", contained.Out);
    }

    [Fact]
    public void Linq_and_sort_callbacks_propagate_to_the_module_as_unwoven()
    {
        var source = """
            using System; using System.Collections.Generic; using System.Linq; using Kernel;
            namespace Sync { public sealed class M : IKernelModule {
                public string Linq, Sort, Violation;
                public string Name => "sync";
                public void Exit() { }
                public void Init(KernelApi k) {
                    try { new[] { 1, 2, 3 }.Where(x => x > 1 ? throw new FormatException("p") : true).ToList(); }
                    catch (FormatException e) { Linq = e.Message; }
                    try { new List<int> { 3, 1, 2 }.Sort((a, b) => throw new FormatException("s")); }
                    catch (InvalidOperationException e) { Sort = e.InnerException?.Message; }
                    var cred = k.CurrentTask.Cred;
                    try { new[] { 1 }.Select(x => cred.Uid = x).ToList(); }
                    catch (Exception e) { Violation = e.GetType().Name; }
                }
            } }
            """;
        var dll = KernelModules.Compile(source, "Sync.Callbacks");
        var result = KernelModules.Weave(dll, out var woven);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(3, result.Report.GuardsByKind["contain:delegate"]);

        using var scope = PolicyScope.Install(GuardRuntime.PolicyFile.Load(PolicyPath));
        using var host = new KernelHost();
        host.RegisterProtectedRegions();
        GuardRuntime.GuardPolicies.LoadFile(PolicyPath);
        var loaded = host.Modules.Load(woven);
        var m = loaded.Instances.Single();
        string? Field(string name) => (string?)m.GetType().GetField(name)!.GetValue(m);
        Assert.Equal("p", Field("Linq"));
        Assert.Equal("s", Field("Sort"));
        Assert.Equal("GuardViolationException", Field("Violation"));
        Assert.Equal(ModuleState.Live, loaded.State);
        Assert.Empty(host.Faults);
    }

    private static WeaverCli.Result RunProbe(string module, params string[] extra)
    {
        Assert.True(File.Exists(Probe), $"KernelDemo.dll is not next to the tests ({Probe})");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])[Probe, "probe", module, "--policy", PolicyPath, .. extra]) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the probe did not finish");
        }
        return new WeaverCli.Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
