using Benign.Stats;
using E1000e;
using Hostile.ArrayScribble;
using Hostile.ConfigFlip;
using Hostile.CrossModule;
using Hostile.DmaOverrun;
using Hostile.RootCred;
using Kernel;

namespace DriverSamples.Tests;

/// <summary>Unwoven, every hostile module's bad store lands: the threat is real.</summary>
[Collection("kernel globals")]
public sealed class HostileModuleTests
{
    [Fact]
    public void RootCred_makes_the_current_task_root()
    {
        using var host = TestKernel.Boot();
        Assert.Equal(1000, host.Api.CurrentTask.Cred.Euid);
        var module = new RootCredModule();
        host.Modules.Load(module);
        Assert.True(module.WriteSucceeded);
        Assert.Equal(1000, module.UidBefore);
        Assert.Equal(0, host.Api.CurrentTask.Cred.Uid);
        Assert.True(host.Api.CurrentTask.Cred.IsRoot);
    }

    [Fact]
    public void ConfigFlip_disables_module_signature_enforcement()
    {
        using var host = TestKernel.Boot();
        var module = new ConfigFlipModule();
        host.Modules.Load(module);
        Assert.True(module.WriteSucceeded);
        Assert.False(KernelConfig.ModuleSigEnforce);
        KernelConfig.ResetToDefaults();
    }

    [Fact]
    public void DmaOverrun_writes_into_the_neighbouring_devices_dma_window()
    {
        using var host = TestKernel.Boot();
        var module = new DmaOverrunModule();
        host.Modules.Load(module);
        Assert.True(module.WriteSucceeded);
        Assert.Equal("blk0", module.VictimOwner);
        var blk = host.Blk0Dma.AsSpan();
        Assert.Equal(DmaOverrunModule.Poison, BitConverter.ToUInt64(blk[..8]));
        Assert.Equal(KernelHost.Blk0Pattern, blk[8]);
    }

    [Fact]
    public void ArrayScribble_hijacks_a_syscall_table_entry()
    {
        using var host = TestKernel.Boot();
        var module = new ArrayScribbleModule();
        host.Modules.Load(module);
        Assert.True(module.WriteSucceeded);
        Assert.False(KernelTables.IsIntact());
        Assert.Equal(ArrayScribbleModule.HookAddress, KernelTables.SyscallTable[ArrayScribbleModule.Target]);
        KernelTables.Restore();
    }

    [Fact]
    public void CrossModule_corrupts_the_drivers_statistics()
    {
        var (host, driver) = TestKernel.BootWithDriver();
        using var _ = host;
        Workload.TrafficWorkload.Run(host, 500, 1);
        Assert.True(driver.Adapters[0].NetStats.RxPackets > 0);
        var module = new CrossModuleModule();
        host.Modules.Load(module);
        Assert.True(module.WriteSucceeded);
        Assert.Equal(0UL, driver.Adapters[0].NetStats.RxPackets);
        Assert.Equal(CrossModuleModule.FakeErrors, driver.Adapters[0].NetStats.RxErrors);
    }

    [Fact]
    public void Benign_stats_reads_counters_and_keeps_working()
    {
        var (host, driver) = TestKernel.BootWithDriver();
        using var _ = host;
        var run = Workload.TrafficWorkload.Run(host, 1000, 4);
        var module = new StatsModule();
        var loaded = host.Modules.Load(module);
        Assert.Equal(ModuleState.Live, loaded.State);
        Assert.Equal((ulong)run.ExpectedRxFrames, module.Snapshots["eth0"][0]);
        Workload.TrafficWorkload.Run(host, 1000, 5);
        module.Sample();
        Assert.Equal(2, module.Samples);
        Assert.Equal(driver.Adapters[0].NetStats.RxPackets, module.TotalRxPackets);
        Assert.Equal(driver.Adapters[0].GetStatsStrings().Count, module.EthtoolValues.Length);
        Assert.False(host.Tainted);
    }

    [Fact]
    public void Protected_regions_are_registered_under_the_documented_names()
    {
        var (host, driver) = TestKernel.BootWithDriver();
        using var __ = host;
        driver.Adapters[0].Open();
        GuardRuntime.Regions.Clear();
        host.RegisterProtectedRegions();
        host.RegisterProtectedRegions(); // idempotent
        var set = GuardRuntime.Regions.Current;
        foreach (var name in new[]
                 {
                     ProtectedRegionNames.CurrentCred, ProtectedRegionNames.InitCred, ProtectedRegionNames.CurrentTask,
                     ProtectedRegionNames.Scheduler, ProtectedRegionNames.RunQueue, ProtectedRegionNames.SyscallTable,
                     ProtectedRegionNames.Nic0Mmio, ProtectedRegionNames.Blk0Mmio, ProtectedRegionNames.Nic0Dma,
                     ProtectedRegionNames.Blk0Dma, ProtectedRegionNames.NetDeviceStats("eth0"),
                 })
            Assert.True(set.Contains(name), name);
        Assert.Single(set.Instances, i => i.Name == ProtectedRegionNames.CurrentCred);
        Assert.Same(host.Api.CurrentTask.Cred, set.Instances.Single(i => i.Name == ProtectedRegionNames.CurrentCred).Instance);
        Assert.Equal(4, set.Ranges.Count(r => r.Name == ProtectedRegionNames.Nic0Dma)); // tx/rx rings and buffers
        GuardRuntime.Regions.Clear();
    }
}
