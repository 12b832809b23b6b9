using GuardRuntime;
using Kernel.Net;
using Kernel.Pci;

namespace Kernel;

/// <summary>An interrupt handler; returns whether the device had raised the interrupt (<c>IRQ_HANDLED</c>).</summary>
[ModuleExport]
public delegate bool IrqHandler(int irq);

/// <summary>
/// The kernel services a module may use: the current task, the scheduler, socket buffers, the network stack, the
/// PCI bus and DMA, interrupts and NAPI, delays, module parameters and logging. One instance per kernel.
/// </summary>
[ModuleExport]
public sealed class KernelApi
{
    private readonly KernelHost host;
    private readonly List<INetDevice> netDevices = [];
    // The module that registered each interface (null: the kernel): only it may unregister it.
    private readonly Dictionary<INetDevice, System.Reflection.Assembly?> netDeviceOwners = new(ReferenceEqualityComparer.Instance);

    internal KernelApi(KernelHost host) => this.host = host;

    /// <summary>The task on the CPU (<c>current</c>).</summary>
    public KernelTask CurrentTask => host.Scheduler.Current;

    /// <summary>The scheduler.</summary>
    public Scheduler Scheduler => host.Scheduler;

    /// <summary>The socket-buffer pool.</summary>
    public SkbPool Skbs => host.Skbs;

    /// <summary>The network stack (<c>netif_receive_skb</c> lives here).</summary>
    public NetStack Net => host.Net;

    /// <summary>The PCI bus.</summary>
    public PciBus Pci => host.Pci;

    /// <summary>The coherent DMA allocator.</summary>
    public DmaAllocator Dma => host.Dma;

    /// <summary>The kernel log.</summary>
    public KernelLog Log => host.Log;

    /// <summary>Simulated time since boot in nanoseconds.</summary>
    public long NowNs => host.NowNs;

    /// <summary>The registered network interfaces.</summary>
    public IReadOnlyList<INetDevice> NetDevices => netDevices.AsReadOnly();

    /// <summary>Logs a message.</summary>
    public void Printk(LogLevel level, string source, string message) => host.Log.Write(level, source, message);

    /// <summary>Registers a network interface (<c>register_netdev</c>).</summary>
    /// <exception cref="InvalidOperationException">An interface with that name exists.</exception>
    public void RegisterNetDevice(INetDevice device)
    {
        if (netDevices.Exists(d => d.Name == device.Name)) throw new InvalidOperationException($"{device.Name} already registered.");
        netDevices.Add(device);
        netDeviceOwners[device] = CallingModules.Innermost();
        host.Log.Write(LogLevel.Info, "net", $"{device.Name}: registered, address {device.Address}");
    }

    internal void RemoveOwned(Func<object?, bool> owned) => netDevices.RemoveAll(d => owned(d));

    /// <summary>Unregisters a network interface.</summary>
    public void UnregisterNetDevice(INetDevice device)
    {
        if (!netDevices.Contains(device)) return;
        CallingModules.RequireOwner(netDeviceOwners.GetValueOrDefault(device), $"unregister {device.Name}");
        netDevices.Remove(device);
        netDeviceOwners.Remove(device);
    }

    /// <summary>The next free interface name (<c>eth%d</c>).</summary>
    public string AllocNetDeviceName()
    {
        for (int i = 0; ; i++)
            if (!netDevices.Exists(d => d.Name == "eth" + i)) return "eth" + i;
    }

    /// <summary>Attaches <paramref name="handler"/> to the device's interrupt line (<c>request_irq</c>).</summary>
    public void RequestIrq(PciDevice device, IrqHandler handler, string owner) => host.Interrupts.Request(device, handler, owner);

    /// <summary>Detaches the device's handler (<c>free_irq</c>).</summary>
    public void FreeIrq(PciDevice device) => host.Interrupts.Free(device);

    /// <summary>Queues <paramref name="napi"/> for polling in softirq context (<c>napi_schedule</c>).</summary>
    public void NapiSchedule(INapiPoller napi, string owner) => host.Softirq.Schedule(napi, owner);

    /// <summary>Marks polling complete (<c>napi_complete_done</c>); returns true if the driver should re-enable interrupts.</summary>
    public bool NapiCompleteDone(INapiPoller napi, int workDone) => host.Softirq.Complete(napi, workDone);

    /// <summary>Busy-waits <paramref name="microseconds"/>: simulated time passes and devices advance, no handlers run.</summary>
    public void Udelay(int microseconds) => host.AdvanceTime(microseconds * 1000L, runHandlers: false);

    /// <summary>Sleeps <paramref name="milliseconds"/> (devices advance; pending work runs).</summary>
    public void Msleep(int milliseconds) => host.AdvanceTime(milliseconds * 1_000_000L, runHandlers: true);

    /// <summary>Arms (or re-arms) the one-shot timer <paramref name="key"/> to run <paramref name="callback"/> at <paramref name="expiresNs"/> (<c>mod_timer</c>).</summary>
    public void ModTimer(object key, long expiresNs, Action callback, string owner) => host.Timers.Arm(key, expiresNs, callback, owner);

    /// <summary>Cancels timer <paramref name="key"/> (<c>del_timer_sync</c>); returns whether it was pending.</summary>
    public bool DelTimer(object key) => host.Timers.Cancel(key);

    /// <summary>The value of module parameter <c>module.name</c> from the kernel command line, or null.</summary>
    public string? GetModuleParameter(string module, string name)
        => host.ModuleParameters.TryGetValue(module + "." + name, out var value) ? value : null;
}
