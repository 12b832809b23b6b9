using GuardRuntime;
using Kernel;
using Weaver.Tests.Infrastructure;
using Workload;

namespace Weaver.Tests.Driver;

/// <summary>
/// The e1000e driver and the hostile modules, woven by the real engine, run in the kernel model under the demo's
/// policy file: the woven driver behaves exactly like the unwoven one with no false positive, each hostile module is
/// stopped at its bad write with a precise report and the kernel state it aimed at unchanged, the benign module is
/// unaffected, and the policy can be replaced while traffic runs.
/// </summary>
[Collection(GuardStateCollection.Name)]
public sealed class WovenDriverTests(WovenModulesFixture modules) : IClassFixture<WovenModulesFixture>
{
    private const int Seed = 7;
    private static readonly string PolicyPath = Path.Combine(AppContext.BaseDirectory, "Driver", "policy.json");

    [Fact]
    public void Woven_driver_gives_the_unwoven_digest_under_the_sample_policy_with_no_violation()
    {
        using var scope = PolicyScope.Install(Policy.AllowAll);
        var unwoven = RunTraffic(modules.Unwoven("E1000e"), withPolicy: false);
        var woven = RunTraffic(modules.Woven("E1000e"), withPolicy: true);

        Assert.Equal(unwoven.Digest, woven.Digest);
        Assert.Equal(woven.ExpectedRxFrames, woven.Delivered);
        Assert.DoesNotContain(Violations.Recent(), v => v.Module == "E1000e");
    }

    [Theory]
    [InlineData("Hostile.RootCred", "RootCredModule.cs")]
    [InlineData("Hostile.ConfigFlip", "ConfigFlipModule.cs")]
    [InlineData("Hostile.ArrayScribble", "ArrayScribbleModule.cs")]
    [InlineData("Hostile.DmaOverrun", "DmaOverrunModule.cs")]
    [InlineData("Hostile.CrossModule", "CrossModuleModule.cs")]
    public void Each_hostile_module_is_stopped_at_its_bad_write_and_the_kernel_is_intact(string module, string sourceFile)
    {
        using var scope = PolicyScope.Install(Policy.AllowAll);
        using var host = BootWithDriver();
        var before = KernelSnapshot.Take(host);
        long violationsBefore = Violations.Total;

        host.Modules.Load(modules.Woven(module));

        var violation = Assert.Single(Violations.Recent().Skip(Violations.Recent().Count - (int)(Violations.Total - violationsBefore)), v => v.Module == module);
        Assert.EndsWith(sourceFile, violation.Site.Document);
        Assert.True(violation.Site.Line > 0);
        Assert.Contains("::Init(", violation.Site.Method);
        Assert.Contains(module, violation.ToString());
        Assert.Equal(before, KernelSnapshot.Take(host));
        Assert.Contains(host.Faults, f => f.Message.Contains(violation.Site.Method, StringComparison.Ordinal));

        // The driver keeps working after the attack.
        var after = TrafficWorkload.Run(host, 500, Seed + 1);
        Assert.Equal(after.ExpectedRxFrames, after.Delivered);
    }

    [Fact]
    public void Benign_module_runs_unhindered_beside_the_driver()
    {
        using var scope = PolicyScope.Install(Policy.AllowAll);
        using var host = BootWithDriver();
        var loaded = host.Modules.Load(modules.Woven("Benign.Stats"));

        Assert.DoesNotContain(Violations.Recent(), v => v.Module == "Benign.Stats");
        Assert.Empty(host.Faults);
        var instance = loaded.Instances.Single();
        Assert.Equal(1, (int)instance.GetType().GetField("Samples")!.GetValue(instance)!);
    }

    [Fact]
    public async Task Policy_replaced_while_traffic_runs_never_stops_the_driver()
    {
        using var scope = PolicyScope.Install(Policy.AllowAll);
        using var host = BootWithDriver();
        var strict = PolicyFile.Load(PolicyPath);
        // Each burst of traffic starts only after one more install, so policies change between and during bursts
        // however fast the driver runs (a bare "install while not done" loop raced a fast driver to the end).
        var installed = new SemaphoreSlim(0);
        var traffic = Task.Run(async () =>
        {
            var results = new List<WorkloadResult>();
            for (int i = 0; i < 4; i++)
            {
                await installed.WaitAsync();
                results.Add(TrafficWorkload.Run(host, 1_000, Seed + i));
            }
            return results;
        });
        int installs = 0;
        while (!traffic.IsCompleted)
        {
            GuardPolicies.Install(installs++ % 2 == 0 ? Policy.AllowAll : strict);
            installed.Release();
            await Task.Delay(1);
        }

        Assert.All(await traffic, r => Assert.Equal(r.ExpectedRxFrames, r.Delivered));
        Assert.True(installs >= 4, $"{installs} installs");
        Assert.DoesNotContain(Violations.Recent(), v => v.Module == "E1000e");
        Assert.Empty(host.Faults);
    }

    private static WorkloadResult RunTraffic(string driver, bool withPolicy)
    {
        // The unwoven reference run is the host's explicit choice to load a module the verifier refuses.
        using var host = new KernelHost(new KernelOptions { AllowUnverifiedModules = !withPolicy });
        host.Modules.Load(driver);
        TrafficWorkload.Run(host, 300, Seed - 1); // opens eth0, so its DMA windows exist when regions are registered
        if (withPolicy)
        {
            host.RegisterProtectedRegions();
            GuardPolicies.LoadFile(PolicyPath);
        }
        var result = TrafficWorkload.Run(host, 3_000, Seed);
        Regions.Clear();
        return result;
    }

    private KernelHost BootWithDriver()
    {
        var host = new KernelHost();
        host.Modules.Load(modules.Woven("E1000e"));
        TrafficWorkload.Run(host, 300, Seed);
        host.RegisterProtectedRegions();
        GuardPolicies.LoadFile(PolicyPath);
        return host;
    }

    private sealed record KernelSnapshot(int Uid, int Euid, ulong Caps, bool SigEnforce, long Syscall59, ulong RxPackets, ulong RxErrors, ulong DmaHash)
    {
        public static unsafe KernelSnapshot Take(KernelHost host)
        {
            var cred = host.Scheduler.Current.Cred;
            var stats = host.Api.NetDevices[0].Stats;
            var hash = new System.IO.Hashing.XxHash64();
            foreach (var window in host.Dma.Windows.Where(w => w.Owner is "nic0" or "blk0").OrderBy(w => w.Address)) hash.Append(window.AsSpan());
            return new KernelSnapshot(cred.Uid, cred.Euid, cred.Capabilities, KernelConfig.ModuleSigEnforce, KernelTables.SyscallTable[59],
                stats.RxPackets, stats.RxErrors, hash.GetCurrentHashAsUInt64());
        }
    }
}

/// <summary>Weaves the driver and the hostile modules once, from the sample projects' build output, with the real engine.</summary>
public sealed class WovenModulesFixture
{
    private static readonly string[] Names =
        ["E1000e", "Hostile.RootCred", "Hostile.ConfigFlip", "Hostile.ArrayScribble", "Hostile.DmaOverrun", "Hostile.CrossModule", "Benign.Stats"];

    private readonly string unwovenDir = SnippetCompiler.NewDirectory("driver-unwoven");

    public WovenModulesFixture()
    {
        foreach (var name in Names)
        {
            foreach (var ext in new[] { ".dll", ".pdb" })
            {
                var source = Path.Combine(AppContext.BaseDirectory, name + ext);
                if (File.Exists(source)) File.Copy(source, Path.Combine(unwovenDir, name + ext));
            }
            Infrastructure.Woven.Weave(Unwoven(name));
        }
    }

    public string Unwoven(string name) => Path.Combine(unwovenDir, name + ".dll");

    public string Woven(string name) => Path.Combine(unwovenDir, "woven", name + ".dll");
}
