using System.Runtime.CompilerServices;
using GuardRuntime;
using Kernel;
using Weaver.Tests.Infrastructure;
using Workload;

namespace Weaver.Tests.Driver;

/// <summary>
/// Woven modules through the kernel's loader: the host's name picks the policy section (never the assembly's own
/// name), a quarantined module is unloaded with every kernel reference to it dropped and its types collected, and an
/// unwoven private dependency beside a woven module is refused at load.
/// </summary>
[Collection(GuardStateCollection.Name)]
public sealed class ModuleLifecycleTests(WovenModulesFixture modules) : IClassFixture<WovenModulesFixture>
{
    private static readonly string PolicyPath = Path.Combine(AppContext.BaseDirectory, "Driver", "policy.json");

    [Fact]
    public void The_driver_loaded_under_another_name_does_not_get_the_driver_s_section()
    {
        using var scope = PolicyScope.Install(Policy.AllowAll);
        foreach (var (name, expectViolations) in new[] { ("E1000e", false), ("eth-test", true) })
        {
            using var host = new KernelHost();
            var loaded = host.Modules.Load(modules.Woven("E1000e"), name);
            Assert.Equal(name, loaded.Guard!.BoundName);
            Assert.Equal("E1000e", loaded.Binding!.AssemblyName);
            TrafficWorkload.Run(host, 300, 3);
            host.RegisterProtectedRegions();
            GuardPolicies.LoadFile(PolicyPath);
            long before = Violations.Total;
            // The workload calls the driver directly (no containment): under the wrong section its first MMIO write
            // throws out of the run.
            try { TrafficWorkload.Run(host, 300, 4); }
            catch (GuardViolationException) when (expectViolations) { }
            var mine = Violations.Recent().Skip(Math.Max(0, Violations.Recent().Count - (int)(Violations.Total - before)))
                .Where(v => v.Module == name).ToList();
            // Only the E1000e section allows nic0's MMIO and DMA: under any other name the default section denies them.
            if (expectViolations) Assert.Contains(mine, v => v.Region is "nic0-mmio" or "nic0-dma");
            else Assert.Empty(mine);
            Regions.Clear();
            GuardPolicies.Install(Policy.AllowAll);
        }
    }

    [Fact]
    public void An_unbound_woven_module_gets_the_default_section_whatever_its_assembly_is_called()
    {
        // A section that refuses the driver's own constructor stores: it bites only if the section applies.
        var policy = PolicyFile.Parse("""{ "modules": [ { "module": "E1000e", "rules": [ { "field": "E1000e.E1000eModule::*", "action": "throw" } ] } ] }""");
        using var scope = PolicyScope.Install(policy);
        var bound = Woven.Load(modules.Woven("E1000e"));
        var unbound = Woven.LoadUnbound(modules.Woven("E1000e"));

        var e = Assert.ThrowsAny<Exception>(() => Activator.CreateInstance(bound.GetType("E1000e.E1000eModule")!));
        Assert.IsType<GuardViolationException>(e.InnerException);
        Assert.NotNull(Activator.CreateInstance(unbound.GetType("E1000e.E1000eModule")!));
        var registered = ModuleRegistry.Find(unbound)!;
        Assert.Null(registered.BoundName);
        Assert.Equal("E1000e", registered.Name);
    }

    private const string Dropper = """
        using Kernel;
        namespace Q {
        public sealed class QModule : IKernelModule {
            public string Name => "q";
            public void Init(KernelApi k) {
                k.ModTimer(this, k.NowNs + 1_000_000_000, () => k.Printk(LogLevel.Info, "q", "tick"), "q");
                k.RequestIrq(k.Pci.Find("blk0"), irq => false, "q");
                k.CurrentTask.Cred.Uid = 0;
            }
            public void Exit() { }
        } }
        """;

    [Fact]
    public void A_quarantined_module_is_unloaded_its_references_dropped_and_its_types_collected()
    {
        var path = KernelModules.Woven(Dropper, "Quarantine.Dropper");
        var policy = PolicyFile.Parse("""{ "modules": [ { "module": "dropper", "rules": [ { "region": "current-cred", "action": "quarantine" } ] } ] }""");
        using var scope = PolicyScope.Install(policy);
        using var host = new KernelHost();
        host.RegisterProtectedRegions();
        GuardPolicies.Install(policy);
        var uid = host.Scheduler.Current.Cred.Uid;

        var weak = LoadQuarantined(host, path);

        Assert.Equal(uid, host.Scheduler.Current.Cred.Uid);
        Assert.Equal(0, host.Timers.Pending);
        host.Api.RequestIrq(host.Blk0, _ => false, "test"); // the module's line was freed: no "IRQ busy"
        Assert.Contains(host.Log.Entries, l => l.Message.Contains("dropper: quarantined") && l.Message.Contains("unloading"));
        Assert.Empty(ModuleRegistry.Find("dropper"));
        var deadline = Environment.TickCount64 + 10_000;
        while (weak.IsAlive && Environment.TickCount64 < deadline)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(weak.IsAlive, "the quarantined module's context was not collected");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference LoadQuarantined(KernelHost host, string path)
    {
        var loaded = host.Modules.Load(path, "dropper");
        Assert.Equal(ModuleState.Quarantined, loaded.State);
        Assert.Null(loaded.Context);
        Assert.Empty(loaded.Instances);
        Assert.DoesNotContain(loaded, host.Modules.Loaded);
        return loaded.ContextReference;
    }

    [Fact]
    public void An_unwoven_private_dependency_beside_a_woven_module_is_refused_at_load()
    {
        var lib = KernelModules.Compile("namespace QLib { public static class Util { public static int Twice(int x) => 2 * x; } }", "QLib");
        var user = KernelModules.Compile("""
            using Kernel;
            namespace QUser { public sealed class U : IKernelModule {
                public int Value;
                public string Name => "u";
                public void Init(KernelApi k) { Value = QLib.Util.Twice(21); }
                public void Exit() { }
            } }
            """, "QUser", lib);
        Assert.True(KernelModules.Weave(lib, out var wovenLib).Succeeded);
        var result = KernelModules.Weave(user, out var wovenUser, Path.GetDirectoryName(wovenLib)!);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var shipped = Path.Combine(Path.GetDirectoryName(wovenUser)!, "QLib.dll");

        using var scope = PolicyScope.Install(Policy.AllowAll);
        using (var host = new KernelHost())
        {
            File.Copy(wovenLib, shipped, overwrite: true);
            var ok = host.Modules.Load(wovenUser);
            Assert.Equal(42, (int)ok.Instances[0].GetType().GetField("Value")!.GetValue(ok.Instances[0])!);
            host.Modules.Unload(ok);
        }
        using (var host = new KernelHost())
        {
            File.Copy(lib, shipped, overwrite: true); // the attack: the unwoven build of the dependency
            var e = Assert.Throws<ModuleRejectedException>(() => host.Modules.Load(wovenUser));
            Assert.Contains("its private dependency is not woven", e.Message);
            Assert.EndsWith("QLib.dll", e.Path);
            Assert.Empty(host.Modules.Loaded);
        }
    }
}
