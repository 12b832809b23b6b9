using System.Runtime.CompilerServices;
using Hostile.RootCred;
using Kernel;

namespace DriverSamples.Tests;

[Collection("kernel globals")]
public sealed class ModuleLoaderTests
{
    // These modules are the unwoven builds: the host loads them by its explicit choice to skip verification.
    private static readonly KernelOptions Unverified = new() { AllowUnverifiedModules = true };

    [Fact]
    public void Loads_the_driver_from_a_path_into_a_collectible_context_and_runs_traffic()
    {
        using var host = TestKernel.Boot(Unverified);
        string path = typeof(E1000e.E1000eModule).Assembly.Location;
        var loaded = host.Modules.Load(path);
        Assert.Equal(ModuleState.Live, loaded.State);
        Assert.NotNull(loaded.Context);
        Assert.True(loaded.Context!.IsCollectible);
        Assert.NotSame(typeof(E1000e.E1000eModule).Assembly, loaded.Assembly);
        // Kernel.Host is shared with the default context, so the module's INetDevice is ours.
        Assert.Same(typeof(IKernelModule).Assembly, loaded.Instances[0].GetType().GetInterface(nameof(IKernelModule))!.Assembly);
        var run = Workload.TrafficWorkload.Run(host, 2000, 42);
        Assert.Equal(run.ExpectedRxFrames, run.Delivered);

        // Same seed through the directly referenced driver gives the same digest.
        using var other = TestKernel.Boot();
        var direct = Workload.TrafficWorkload.Run(other, new E1000e.E1000eModule(), 2000, 42);
        Assert.Equal(direct.Digest, run.Digest);

        host.Modules.Unload(loaded);
        Assert.Equal(ModuleState.Unloaded, loaded.State);
        Assert.Empty(host.Api.NetDevices);
    }

    [Fact]
    public void Unloaded_context_can_be_collected()
    {
        using var host = TestKernel.Boot(Unverified);
        var weak = LoadAndUnload(host, typeof(RootCredModule).Assembly.Location);
        for (int i = 0; i < 10 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(weak.IsAlive);
    }

    [Fact]
    public void An_unwoven_module_is_refused_by_the_verifier_before_any_of_its_code_loads()
    {
        using var host = TestKernel.Boot();
        string path = typeof(RootCredModule).Assembly.Location;
        var uid = host.Scheduler.Current.Cred.Uid;

        var e = Assert.Throws<ModuleRejectedException>(() => host.Modules.Load(path));

        Assert.Equal("Hostile.RootCred", e.Module);
        Assert.NotEmpty(e.Errors);
        Assert.Contains("load-time verifier rejected the module", e.Message);
        Assert.Contains(e.Errors[0].ToString(), e.Message);
        Assert.Empty(host.Modules.Loaded);
        Assert.DoesNotContain(System.Runtime.Loader.AssemblyLoadContext.All, c => c.Name == "module:Hostile.RootCred");
        Assert.Equal(uid, host.Scheduler.Current.Cred.Uid);
        Assert.Contains(host.Log.Entries, l => l.Level == LogLevel.Error && l.Message.Contains("Module 'Hostile.RootCred' refused"));
    }

    [Theory]
    [InlineData("Hostile.GuardOff", "host-reference")] // it references the guard's control API
    [InlineData("Hostile.SwitchTo", "")]
    public void The_guard_off_and_switch_to_modules_unwoven_are_refused_by_the_loader_s_verifier(string module, string rule)
    {
        using var host = TestKernel.Boot();
        var policyBefore = GuardRuntime.GuardPolicies.Generation;

        var e = Assert.Throws<ModuleRejectedException>(() => host.Modules.Load(Path.Combine(AppContext.BaseDirectory, module + ".dll")));

        Assert.Equal(module, e.Module);
        Assert.NotEmpty(e.Errors);
        if (rule.Length > 0) Assert.Contains(e.Errors, x => x.Rule == rule);
        Assert.Equal(policyBefore, GuardRuntime.GuardPolicies.Generation); // nothing of it ran: no policy was installed
        Assert.Equal("netperf", host.Scheduler.Current.Comm); // and no task switch
        Assert.Equal(1000, host.Scheduler.Current.Cred.Uid);
    }

    [Fact]
    public void The_verifier_judges_the_bytes_that_load_and_its_rejection_is_reported_with_its_errors()
    {
        var seen = new List<(int Length, string Name)>();
        var options = new KernelOptions
        {
            Verifier = (image, name) =>
            {
                seen.Add((image.Length, name));
                var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(image.Span));
                return new GuardRuntime.Verification.VerificationResult(name, sha,
                    [new(name, "Ns.T::M", 0x1a, "guard-missing", "a store without its guard")], 1, 10);
            },
        };
        using var host = TestKernel.Boot(options);
        string path = typeof(E1000e.E1000eModule).Assembly.Location;

        var e = Assert.Throws<ModuleRejectedException>(() => host.Modules.Load(path, "nic"));

        Assert.Equal([(checked((int)new FileInfo(path).Length), "E1000e.dll")], seen);
        Assert.Equal("nic", e.Module);
        Assert.Contains("E1000e.dll: Ns.T::M at IL_001a: rule guard-missing: a store without its guard", e.Message);
        Assert.Empty(host.Api.NetDevices);
    }

    [Fact]
    public void A_name_bound_to_one_module_file_is_refused_to_another()
    {
        using var host = TestKernel.Boot(Unverified);
        var driver = host.Modules.Load(typeof(E1000e.E1000eModule).Assembly.Location, "nic");
        Assert.Equal("nic", driver.Name);
        Assert.Equal("nic", driver.Binding!.Name);
        Assert.Equal("E1000e", driver.Binding.AssemblyName);

        var e = Assert.Throws<ModuleRejectedException>(() => host.Modules.Load(typeof(RootCredModule).Assembly.Location, "nic"));
        Assert.Contains("'nic' is already bound to a different file", e.Message);
        Assert.Single(host.Modules.Loaded);

        host.Modules.Unload(driver);
        var again = host.Modules.Load(typeof(RootCredModule).Assembly.Location, "nic");
        Assert.Equal("nic", again.Name);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference LoadAndUnload(KernelHost host, string path)
    {
        var loaded = host.Modules.Load(path);
        Assert.Equal(ModuleState.Live, loaded.State);
        var weak = loaded.ContextReference;
        host.Modules.Unload(loaded);
        return weak;
    }

    [Fact]
    public void A_module_exception_is_contained_and_the_kernel_keeps_running()
    {
        var (host, driver) = TestKernel.BootWithDriver();
        using var _ = host;
        var loaded = host.Modules.Load(new ThrowingModule());
        Assert.Equal(ModuleState.Failed, loaded.State);
        var fault = Assert.Single(loaded.Faults);
        Assert.Equal("init", fault.Phase);
        Assert.Contains("boom", fault.Message);
        Assert.True(host.Tainted);
        Assert.True(host.Log.Contains("Oops in init"));
        var run = Workload.TrafficWorkload.Run(host, 500, 2);
        Assert.Equal(run.ExpectedRxFrames, run.Delivered);
    }

    [Fact]
    public void A_faulting_interrupt_handler_is_disabled_not_fatal()
    {
        using var host = TestKernel.Boot();
        host.Api.RequestIrq(host.Nic0, _ => throw new InvalidOperationException("bad isr"), "buggy");
        var bar = host.Nic0.Bar0!;
        bar.Register(Kernel.Hardware.E1000Registers.Ims) = Kernel.Hardware.E1000Registers.IcrLsc;
        bar.Posted(Kernel.Hardware.E1000Registers.Ims);
        bar.Register(Kernel.Hardware.E1000Registers.Ics) = Kernel.Hardware.E1000Registers.IcrLsc;
        bar.Posted(Kernel.Hardware.E1000Registers.Ics);
        host.Tick(1000);
        Assert.Contains(host.Faults, f => f.Phase == "irq" && f.Message == "bad isr");
        host.Tick(1000);
        Assert.Single(host.Faults);
    }

    private sealed class ThrowingModule : IKernelModule
    {
        public string Name => "throwing";
        public void Init(KernelApi kernel) => throw new InvalidOperationException("boom");
        public void Exit() { }
    }
}
