using E1000e;
using Kernel;
using Workload;

namespace DriverSamples.Tests;

[Collection("kernel globals")]
public sealed class TrafficTests
{
    private static WorkloadResult RunFresh(int frames, int seed, WorkloadOptions? options = null, KernelOptions? kernel = null)
    {
        using var host = TestKernel.Boot(kernel);
        return TrafficWorkload.Run(host, new E1000eModule(), frames, seed, options);
    }

    [Fact]
    public void Frames_are_sent_and_received_with_counters_matching_the_generator()
    {
        var r = RunFresh(20_000, 42);
        Assert.Equal(20_000, r.TxFrames + r.WireFrames);
        Assert.Equal(r.ExpectedRxFrames, r.Delivered);
        Assert.Equal(0, r.StackDrops);
        Assert.Equal(0, r.OffloadMismatches);
        Assert.Equal(r.ExpectedFiltered, r.HardwareFiltered);
        Assert.Equal((ulong)r.ExpectedRxFrames, r.DriverStats["rx_packets"]);
        Assert.Equal((ulong)r.ExpectedRxBytes, r.DriverStats["rx_bytes"]);
        Assert.Equal((ulong)r.TxFrames, r.DriverStats["tx_packets"]);
        Assert.Equal((ulong)r.TxBytes, r.DriverStats["tx_bytes"]);
        Assert.Equal((ulong)r.ExpectedMulticast, r.DriverStats["multicast"]);
        Assert.Equal((ulong)r.ExpectedRxFrames, r.DriverStats["hw_gprc"]);
        Assert.Equal(0UL, r.DriverStats["hw_mpc"]);
        Assert.Equal((ulong)r.ExpectedRxFrames, r.DriverStats["rx_csum_offload_good"]);
        Assert.True(r.DriverStats["tx_split_frames"] > 0);
        Assert.True(r.DriverStats["interrupts"] > 0);
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(5), r.ToString());
        Console.WriteLine(r);
    }

    [Fact]
    public void Digest_is_reproducible_for_a_seed_and_differs_across_seeds()
    {
        var a = RunFresh(3000, 1);
        var b = RunFresh(3000, 1);
        var c = RunFresh(3000, 2);
        Assert.Equal(a.Digest, b.Digest);
        Assert.NotEqual(a.Digest, c.Digest);
    }

    [Theory]
    [InlineData(Kernel.Hardware.E1000Registers.Device82571EB)]
    [InlineData(Kernel.Hardware.E1000Registers.DeviceIch8IgpMAmt)]
    public void Legacy_and_extended_receive_descriptors_deliver_the_same_traffic(ushort deviceId)
    {
        var r = RunFresh(3000, 5, kernel: new KernelOptions { NicDeviceId = deviceId });
        Assert.Equal(r.ExpectedRxFrames, r.Delivered);
        Assert.Equal(0, r.StackDrops);
    }

    [Fact]
    public void Software_checksum_fallback_produces_valid_frames()
    {
        var parameters = new Dictionary<string, string> { ["e1000e.TxCsumOffload"] = "0", ["e1000e.RxCsumOffload"] = "0" };
        var r = RunFresh(3000, 9, kernel: new KernelOptions { ModuleParameters = parameters });
        Assert.Equal(r.ExpectedRxFrames, r.Delivered);
        Assert.Equal((ulong)r.TxFrames, r.DriverStats["tx_csum_sw_fallback"]);
        Assert.Equal(0UL, r.DriverStats["rx_csum_offload_good"]);
    }

    [Fact]
    public void Corrupted_frames_are_caught_by_hardware_and_stack()
    {
        var r = RunFresh(4000, 11, new WorkloadOptions { CorruptOneIn = 20 });
        Assert.True(r.Corrupted > 0);
        Assert.Equal(r.ExpectedRxFrames - r.Corrupted, r.Delivered);
        Assert.Equal(r.Corrupted, r.StackDrops);
        Assert.Equal((ulong)r.Corrupted, r.DriverStats["rx_csum_offload_errors"]);
    }
}
