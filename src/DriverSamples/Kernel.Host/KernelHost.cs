using System.Collections.Concurrent;
using GuardRuntime;
using Kernel.Hardware;
using Kernel.Net;
using Kernel.Pci;

namespace Kernel;

/// <summary>
/// The simulated kernel: boots tasks, a socket-buffer pool, the network stack, a DMA arena and a PCI bus with
/// <c>nic0</c> (an e1000e-class NIC model) and <c>blk0</c> (a block device whose DMA window sits at the top of the
/// arena). It drives simulated time, interrupts and softirqs, loads modules and contains their faults.
/// </summary>
public sealed class KernelHost : IDisposable
{
    /// <summary>The pattern blk0's DMA window is filled with at boot.</summary>
    public const byte Blk0Pattern = 0xB1;

    private readonly List<ModuleFault> faults = [];
    // Faults reported on threads the kernel did not enter the module on, recorded at the kernel's next safe point.
    private readonly ConcurrentQueue<ModuleFault> threadFaults = new();
    private long nowNs;

    /// <summary>Boots a kernel.</summary>
    public KernelHost(KernelOptions? options = null)
    {
        options ??= new KernelOptions();
        Options = options;
        ModuleParameters = options.ModuleParameters;
        Log = new KernelLog(() => nowNs);
        InitTask = new KernelTask(1, "init", Credentials.Root());
        Scheduler = new Scheduler(InitTask);
        var user = new KernelTask(4242, "netperf", new Credentials(options.UserUid, options.UserUid), InitTask);
        Scheduler.Enqueue(user);
        Scheduler.SwitchTo(user);
        Skbs = new SkbPool(options.SkbCount);
        Net = new NetStack(Skbs);
        Dma = new DmaAllocator(options.DmaArenaBytes);
        Pci = new PciBus();
        Interrupts = new InterruptController(RecordFault);
        Softirq = new Softirq(RecordFault);
        Timers = new KernelTimers(RecordFault);
        Api = new KernelApi(this);
        Modules = new ModuleLoader(this);
        lock (Kernels)
        {
            Kernels.RemoveAll(k => !k.TryGetTarget(out _));
            Kernels.Add(new WeakReference<KernelHost>(this));
        }

        Blk0 = new PciDevice("blk0", 0x1AF4, 0x1001, 1, 4096, 11);
        Pci.Add(Blk0);
        Blk0Dma = Dma.Allocate(64 * 1024, "blk0", "virtqueue");
        Blk0Dma.AsSpan().Fill(Blk0Pattern);

        Nic0 = new PciDevice("nic0", E1000Registers.IntelVendorId, options.NicDeviceId, 6, 128 * 1024, 10);
        Pci.Add(Nic0);
        Nic0Hardware = new E1000Hardware(Nic0, Dma, new MacAddress(options.NicMac), PhyIdFor(options.NicDeviceId));
        Log.Write(LogLevel.Info, "kernel", $"booted: {Pci.Devices.Count} PCI functions, {Dma.Size >> 20} MiB DMA arena");
    }

    /// <summary>How the kernel was booted.</summary>
    public KernelOptions Options { get; }

    /// <summary>The API handed to modules.</summary>
    public KernelApi Api { get; }

    /// <summary>The module loader.</summary>
    public ModuleLoader Modules { get; }

    /// <summary>Module parameters from the command line.</summary>
    public IReadOnlyDictionary<string, string> ModuleParameters { get; }

    /// <summary>The kernel log.</summary>
    public KernelLog Log { get; }

    /// <summary>Pid 1.</summary>
    public KernelTask InitTask { get; }

    /// <summary>The scheduler.</summary>
    public Scheduler Scheduler { get; }

    /// <summary>The socket-buffer pool.</summary>
    public SkbPool Skbs { get; }

    /// <summary>The network stack.</summary>
    public NetStack Net { get; }

    /// <summary>The DMA arena.</summary>
    public DmaAllocator Dma { get; }

    /// <summary>The PCI bus.</summary>
    public PciBus Pci { get; }

    /// <summary>Interrupt lines.</summary>
    public InterruptController Interrupts { get; }

    /// <summary>The NET_RX softirq.</summary>
    public Softirq Softirq { get; }

    /// <summary>Kernel timers.</summary>
    public KernelTimers Timers { get; }

    /// <summary>The NIC function.</summary>
    public PciDevice Nic0 { get; }

    /// <summary>The NIC's hardware model (the traffic generator injects frames here).</summary>
    public E1000Hardware Nic0Hardware { get; }

    /// <summary>The block device function.</summary>
    public PciDevice Blk0 { get; }

    /// <summary>The block device's DMA window, allocated first, so it sits at the top of the arena.</summary>
    public DmaWindow Blk0Dma { get; }

    /// <summary>Simulated nanoseconds since boot.</summary>
    public long NowNs => nowNs;

    /// <summary>Every contained module fault, oldest first.</summary>
    public IReadOnlyList<ModuleFault> Faults => faults;

    /// <summary>Whether any module has oopsed.</summary>
    public bool Tainted => faults.Count > 0;

    /// <summary>Advances time, lets devices work, services interrupts and runs softirqs.</summary>
    public void Tick(long ns) => AdvanceTime(ns, runHandlers: true);

    /// <summary>Runs interrupt handlers and softirqs without advancing time.</summary>
    public void RunPendingWork()
    {
        ProcessModuleFaults();
        Timers.Run(nowNs);
        Interrupts.Service();
        Softirq.Run();
        ProcessModuleFaults();
    }

    /// <summary>
    /// A safe point: records the faults module threads reported since the last one (as oopses) and unloads every
    /// module the guard quarantined. Runs after every load and around pending work; hosts may call it any time on the
    /// kernel's thread.
    /// </summary>
    public void ProcessModuleFaults()
    {
        while (threadFaults.TryDequeue(out var fault)) RecordFault(fault);
        Modules.Reap();
    }

    /// <summary>
    /// Runs <paramref name="action"/> (module code) inside a containment scope and contains any exception it throws;
    /// returns the fault or null.
    /// </summary>
    public ModuleFault? Contain(string module, string phase, Action action)
    {
        try
        {
            using var scope = ModuleFaults.Scope();
            action();
            return null;
        }
        catch (Exception e)
        {
            var fault = new ModuleFault(module, phase, e.GetType().FullName ?? e.GetType().Name, e.Message);
            RecordFault(fault);
            return fault;
        }
    }

    /// <summary>
    /// Registers the kernel's sensitive memory with the guard runtime under the names in
    /// <see cref="ProtectedRegionNames"/>. Idempotent: call again after drivers allocated DMA or registered
    /// interfaces to cover those too.
    /// </summary>
    public unsafe void RegisterProtectedRegions()
    {
        Reprotect(ProtectedRegionNames.CurrentCred, () => Regions.Protect(Scheduler.Current.Cred, ProtectedRegionNames.CurrentCred));
        // Tables no module has any business writing, under any policy.
        Reprotect(ProtectedRegionNames.SyscallNames, () => Regions.ProtectReadOnly(KernelTables.SyscallNames, ProtectedRegionNames.SyscallNames));
        Reprotect(ProtectedRegionNames.InitCred, () => Regions.Protect(InitTask.Cred, ProtectedRegionNames.InitCred));
        Reprotect(ProtectedRegionNames.CurrentTask, () => Regions.Protect(Scheduler.Current, ProtectedRegionNames.CurrentTask));
        Reprotect(ProtectedRegionNames.Scheduler, () => Regions.Protect(Scheduler, ProtectedRegionNames.Scheduler));
        Reprotect(ProtectedRegionNames.RunQueue, () => Regions.Protect(Scheduler.RunQueue, ProtectedRegionNames.RunQueue));
        Reprotect(ProtectedRegionNames.SyscallTable, () => Regions.Protect(KernelTables.SyscallTable, ProtectedRegionNames.SyscallTable));
        Reprotect(ProtectedRegionNames.Nic0Mmio, () => Regions.ProtectRange(Nic0.Bar0!.Base, Nic0.Bar0.Length, ProtectedRegionNames.Nic0Mmio));
        Reprotect(ProtectedRegionNames.Blk0Mmio, () => Regions.ProtectRange(Blk0.Bar0!.Base, Blk0.Bar0.Length, ProtectedRegionNames.Blk0Mmio));
        foreach (var owner in Dma.Windows.Select(w => w.Owner).Distinct().ToArray())
        {
            string name = ProtectedRegionNames.Dma(owner);
            Reprotect(name, () =>
            {
                foreach (var w in Dma.Windows.Where(w => w.Owner == owner)) Regions.ProtectRange(w.Address, w.Length, name);
            });
        }
        foreach (var device in Api.NetDevices)
        {
            string name = ProtectedRegionNames.NetDeviceStats(device.Name);
            Reprotect(name, () => Regions.Protect(device.Stats, name));
        }
    }

    /// <summary>Releases the DMA arena and the device windows.</summary>
    public void Dispose()
    {
        foreach (var module in Modules.Loaded.ToArray()) Modules.Unload(module);
        foreach (var device in Pci.Devices) device.Dispose();
        Dma.Dispose();
    }

    internal void AdvanceTime(long ns, bool runHandlers)
    {
        nowNs += ns;
        Scheduler.Account(ns);
        foreach (var device in Pci.Devices) device.InterruptSource?.Tick(nowNs);
        if (runHandlers) RunPendingWork();
    }

    /// <summary>Drops every reference the kernel holds to <paramref name="module"/>'s code and objects.</summary>
    internal void DropReferences(LoadedModule module)
    {
        Interrupts.RemoveOwned(module.Owns);
        Softirq.RemoveOwned(module.Owns);
        Timers.RemoveOwned(module.Owns);
        Api.RemoveOwned(module.Owns);
    }

    // Kernels alive in this process, for the fault handler (a module thread's fault goes to the kernel that loaded it).
    private static readonly List<WeakReference<KernelHost>> Kernels = [];

    static KernelHost() => ModuleFaults.Reported += OnModuleThreadFault;

    private static void OnModuleThreadFault(ModuleFaultReport report)
    {
        KernelHost[] kernels;
        lock (Kernels) kernels = [.. Kernels.Select(k => k.TryGetTarget(out var h) ? h : null).OfType<KernelHost>()];
        foreach (var kernel in kernels)
        {
            // Loaded is mutated on the kernel's thread; a stale read at worst misses a module being loaded right now.
            var owner = kernel.Modules.Loaded.ToArray().FirstOrDefault(m => m.Assembly == report.Module.Assembly);
            // A module reaped at a safe point between its quarantine and this report still gets its fault recorded.
            if ((owner?.Name ?? kernel.Modules.ReapedName(report.Module)) is not { } name) continue;
            var fault = new ModuleFault(name, report.Origin, report.Exception.GetType().FullName ?? "?", report.Exception.Message);
            if (owner is not null) lock (owner.Faults) owner.Faults.Add(fault);
            kernel.threadFaults.Enqueue(fault);
        }
    }

    private void RecordFault(ModuleFault fault)
    {
        faults.Add(fault);
        Log.Write(LogLevel.Error, fault.Module, $"Oops in {fault.Phase}: {fault.ExceptionType}: {fault.Message} (module tainted, kernel continues)");
    }

    private static void Reprotect(string name, Action protect)
    {
        Regions.Unprotect(name);
        protect();
    }

    private static uint PhyIdFor(ushort deviceId) => deviceId switch
    {
        E1000Registers.Device82571EB => 0x0141_0CC0,      // M88E1111
        E1000Registers.DeviceIch8IgpMAmt => 0x02A8_0390,  // IGP3
        _ => 0x0141_0CB1,                                 // BME1000 (82574)
    };
}
