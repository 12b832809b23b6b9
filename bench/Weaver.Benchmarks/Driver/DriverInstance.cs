using System.Reflection;
using GuardRuntime;
using Kernel;
using Kernel.Net;

namespace Weaver.Benchmarks.Driver;

/// <summary>
/// One simulated kernel with one copy of the e1000e driver loaded into its own collectible load context (the kernel's
/// <see cref="ModuleLoader"/>: Kernel.Host, GuardRuntime and KcrRuntime are shared with the default context), its
/// interface up in MAC loopback, and the deterministic traffic the benchmarks time.
/// </summary>
public sealed class DriverInstance : IDisposable
{
    /// <summary>Frames per traffic burst (one benchmark operation).</summary>
    public const int FramesPerBurst = 64;

    /// <summary>UDP payload bytes per frame.</summary>
    public const int PayloadBytes = 512;

    private readonly Flow[] flows;
    private readonly byte[] payload = new byte[PayloadBytes];
    private readonly MacAddress[] multicast;
    private readonly ulong[] ethtoolValues;
    private readonly Action updateStats;
    private long deliveredBefore;

    private DriverInstance(DriverVariant variant, KernelHost host, LoadedModule module, INetDevice device)
    {
        Variant = variant;
        Host = host;
        Module = module;
        Device = device;
        var random = new Random(42);
        random.NextBytes(payload);
        // 16 flows, as a small server would see: same NIC, varying ports and ids (deterministic).
        flows = Enumerable.Range(0, 16).Select(i => new Flow(new MacAddress(0x0200_0000_0100 + (ulong)i), device.Address,
            0x0A00_0001u + (uint)i, 0x0A00_0002u, Ipv4.ProtocolUdp, (ushort)(40000 + i), 9000, (ushort)i, 0)).ToArray();
        multicast = Enumerable.Range(0, 16).Select(i => new MacAddress(0x0100_5E00_0000 + (ulong)i)).ToArray();
        ethtoolValues = new ulong[device.Ethtool.GetStatsStrings().Count];
        // The driver-only path calls the adapter's statistics fold directly (no public interface exposes it).
        var adapter = device.GetType().GetMethod("UpdateStats", BindingFlags.Public | BindingFlags.Instance)
            ?? throw new MissingMethodException(device.GetType().FullName, "UpdateStats");
        updateStats = adapter.CreateDelegate<Action>(device);
    }

    /// <summary>Which copy this kernel runs.</summary>
    public DriverVariant Variant { get; }

    /// <summary>The kernel.</summary>
    public KernelHost Host { get; }

    /// <summary>The loaded driver copy.</summary>
    public LoadedModule Module { get; }

    /// <summary>eth0 of this kernel.</summary>
    public INetDevice Device { get; }

    /// <summary>Boots a kernel, loads the variant's copy, brings eth0 up in loopback and waits for link.</summary>
    public static DriverInstance Start(DriverVariant variant)
    {
        var path = DriverCopies.PathOf(variant);
        // The unwoven baseline cannot pass the loader's verifier, nor can the counting copy (its counters are calls into
        // the benchmark, which no module may make): loading them anyway is the host's explicit choice. Neither is timed
        // as a guarded variant.
        var host = new KernelHost(new KernelOptions
        {
            SkbCount = 4096, AllowUnverifiedModules = variant is DriverVariant.Unwoven or DriverVariant.Counting,
        });
        var module = host.Modules.Load(path);
        if (module.State != ModuleState.Live || host.Api.NetDevices.Count == 0)
            throw new InvalidOperationException($"{path} did not come up: {string.Join("; ", host.Faults)}");
        var device = host.Api.NetDevices[0];
        device.Open();
        device.SetLoopback(true);
        for (int i = 0; i < 200 && !device.LinkUp; i++) host.Tick(1_000_000);
        if (!device.LinkUp) throw new InvalidOperationException($"{variant}: no link after 200 ms of simulated time.");
        host.Net.ResetCounters();
        var instance = new DriverInstance(variant, host, module, device);
        instance.RunBurst(); // sanity: the traffic flows through the woven copy
        if (host.Net.Delivered != FramesPerBurst)
            throw new InvalidOperationException($"{variant}: delivered {host.Net.Delivered} of {FramesPerBurst} loopback frames ({host.Net.TotalDropped} dropped, faults: {string.Join("; ", host.Faults)}).");
        return instance;
    }

    /// <summary>Registers this kernel's sensitive memory under the names the sample policy uses (adding to, not replacing, other kernels').</summary>
    public unsafe void ProtectRegions()
    {
        Regions.Protect(Host.Scheduler.Current.Cred, ProtectedRegionNames.CurrentCred);
        Regions.Protect(Host.InitTask.Cred, ProtectedRegionNames.InitCred);
        Regions.Protect(Host.Scheduler.Current, ProtectedRegionNames.CurrentTask);
        Regions.ProtectRange(Host.Blk0.Bar0!.Base, Host.Blk0.Bar0.Length, ProtectedRegionNames.Blk0Mmio);
        Regions.ProtectRange(Host.Blk0Dma.Address, Host.Blk0Dma.Length, ProtectedRegionNames.Blk0Dma);
        // The driver's own device windows, which the policy lets only the driver write (as in the demo's policy).
        Regions.ProtectRange(Host.Nic0.Bar0!.Base, Host.Nic0.Bar0.Length, ProtectedRegionNames.Nic0Mmio);
        foreach (var window in Host.Dma.Windows.Where(w => w.Owner == Host.Nic0.Name))
            Regions.ProtectRange(window.Address, window.Length, ProtectedRegionNames.Nic0Dma);
    }

    /// <summary>
    /// End to end: the stack builds <see cref="FramesPerBurst"/> UDP frames, the driver transmits them, the NIC model
    /// loops them back, the driver's interrupt handler and NAPI poll receive them and the stack parses and verifies
    /// every one. Returns the frames delivered.
    /// </summary>
    public int RunBurst()
    {
        var net = Host.Net;
        deliveredBefore = net.Delivered;
        for (int i = 0; i < FramesPerBurst; i++)
        {
            var skb = net.BuildFrame(flows[i & 15], payload, offloadChecksum: true) ?? throw new InvalidOperationException("skb pool exhausted");
            if (net.Transmit(Device, skb) != NetdevTx.Ok) { Host.Skbs.Free(skb); Host.Tick(50_000); }
        }
        for (int t = 0; t < 100 && net.Delivered - deliveredBefore < FramesPerBurst; t++) Host.Tick(20_000);
        return (int)(net.Delivered - deliveredBefore);
    }

    /// <summary>
    /// Driver only, no frames: the watchdog's statistics fold (40 MMIO counter reads stored into the driver's and the
    /// interface's counters), a receive-filter update with 16 multicast addresses (MTA register writes through the
    /// driver's MMIO pointer) and an ethtool statistics dump.
    /// </summary>
    public ulong RunDriverOnly()
    {
        updateStats();
        Device.SetRxMode(multicast, promiscuous: false);
        Device.Ethtool.GetStatsValues(ethtoolValues);
        return ethtoolValues[0];
    }

    /// <inheritdoc/>
    public void Dispose() => Host.Dispose();
}
