using E1000e;
using Kernel;
using Kernel.Hardware;

namespace DriverSamples.Tests;

[Collection("kernel globals")]
public sealed class DeviceBringUpTests
{
    [Theory]
    [InlineData(E1000Registers.Device82574L, "82574L")]
    [InlineData(E1000Registers.Device82571EB, "82571EB")]
    [InlineData(E1000Registers.DeviceIch8IgpMAmt, "ICH8")]
    public void Probe_reads_mac_from_nvm_validates_checksum_and_brings_link_up(ushort deviceId, string variant)
    {
        var (host, driver) = TestKernel.BootWithDriver(new KernelOptions { NicDeviceId = deviceId });
        using var _ = host;
        var adapter = driver.Adapters[0];
        Assert.Equal(variant, adapter.Hw.Ops.Name);
        Assert.Equal(0x001B_210A_0B0CUL, adapter.Address.Value);
        Assert.True(adapter.Hw.Nvm.ShadowValid);
        Assert.Equal("eth0", adapter.Name);
        Assert.Same(adapter, host.Api.NetDevices[0]);

        adapter.Open();
        host.Tick(1_000_000);
        Assert.True(adapter.LinkUp);
        var link = adapter.GetLinkSettings();
        Assert.Equal(1000, link.SpeedMbps);
        Assert.True(link.FullDuplex);
        Assert.NotEqual(0u, link.PhyId);
        // RAR[0] holds the station address with Address Valid.
        Assert.Equal(0x0A21_1B00u, host.Nic0.Bar0!.Read32(E1000Registers.Ral0));
        Assert.Equal(0x8000_0C0Bu, host.Nic0.Bar0.Read32(E1000Registers.Rah0));
        Assert.False(host.Tainted);
    }

    [Fact]
    public void Corrupt_nvm_fails_probe_without_taking_the_kernel_down()
    {
        using var host = TestKernel.Boot();
        host.Nic0Hardware.Eeprom[0x20] ^= 0x0100;
        var driver = new E1000eModule();
        var loaded = host.Modules.Load(driver);
        Assert.Equal(ModuleState.Live, loaded.State);
        Assert.Empty(driver.Adapters);
        Assert.Contains(driver.ProbeErrors, e => e.Contains("NVM Checksum Is Not Valid"));
        Assert.False(host.Nic0.Claimed);
    }

    [Fact]
    public void Ethtool_self_test_passes_offline_and_device_keeps_working()
    {
        var (host, driver) = TestKernel.BootWithDriver();
        using var _ = host;
        var adapter = driver.Adapters[0];
        adapter.Open();
        var results = adapter.SelfTest(offline: true);
        Assert.All(results, r => Assert.Equal(0UL, r.Result));
        Assert.True(adapter.IsUp);
        var run = Workload.TrafficWorkload.Run(host, 500, 7);
        Assert.Equal(run.ExpectedRxFrames, run.Delivered);
    }

    [Fact]
    public void Ring_params_and_itr_can_be_changed()
    {
        var (host, driver) = TestKernel.BootWithDriver();
        using var _ = host;
        var adapter = driver.Adapters[0];
        adapter.Open();
        Assert.True(adapter.SetRingParams(512, 128));
        Assert.Equal(new Kernel.Net.RingParams(4096, 4096, 512, 128), adapter.GetRingParams());
        Assert.False(adapter.SetRingParams(8, 128));
        Assert.True(adapter.SetInterruptThrottleRate(8000));
        Assert.Equal(8000, adapter.GetInterruptThrottleRate());
        Assert.False(adapter.SetInterruptThrottleRate(5));
        var run = Workload.TrafficWorkload.Run(host, 1000, 3);
        Assert.Equal(run.ExpectedRxFrames, run.Delivered);
    }

    [Fact]
    public void Module_parameters_are_validated()
    {
        var parameters = new Dictionary<string, string> { ["e1000e.RxDescriptors"] = "1024", ["e1000e.TxDescriptors"] = "9", ["e1000e.InterruptThrottleRate"] = "0" };
        var (host, driver) = TestKernel.BootWithDriver(new KernelOptions { ModuleParameters = parameters });
        using var _ = host;
        Assert.Equal(1024, driver.Params!.RxDescriptors);
        Assert.Equal(E1000eParams.DefaultTxd, driver.Params.TxDescriptors);
        Assert.Equal(0, driver.Params.InterruptThrottleRate);
        Assert.Contains(driver.Params.Warnings, w => w.Contains("TxDescriptors"));
    }

    [Fact]
    public async Task Reset_task_and_ptp_clock_work()
    {
        var (host, driver) = TestKernel.BootWithDriver();
        using var _ = host;
        var adapter = driver.Adapters[0];
        adapter.Open();
        long t0 = adapter.Ptp.ReadTimeNs();
        host.Tick(1_000_000);
        long t1 = adapter.Ptp.ReadTimeNs();
        Assert.InRange(t1 - t0, 990_000, 1_010_000);
        Assert.True(await adapter.ResetTaskAsync());
        host.Tick(2_000_000);
        Assert.True(adapter.LinkUp);
    }
}
