using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Kernel;

namespace Weaver.Tests.RedTeam.Outside;

/// <summary>
/// The whole protected kernel state as named text entries, so that two captures can be compared key by key: the
/// credentials of every task, the current task and the run queue, the scheduler, every <see cref="KernelConfig"/>
/// static (the host name's characters included), the syscall table and its names, the network interfaces and eth0's
/// statistics, the network stack's settings, the PCI functions (config space, claims, MMIO bytes) and the DMA windows
/// and their bytes. Object identities are recorded too (a swapped object with equal fields is a change).
/// </summary>
public static class KernelSnapshot
{
    public static unsafe SortedDictionary<string, string> Capture(KernelHost host)
    {
        var s = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var sched = host.Scheduler;
        var tasks = new List<KernelTask>();
        void AddTask(KernelTask? t) { if (t is not null && !tasks.Any(x => ReferenceEquals(x, t))) tasks.Add(t); }
        AddTask(host.InitTask);
        AddTask(sched.Current);
        foreach (var t in sched.RunQueue) AddTask(t);
        for (int i = 0; i < tasks.Count; i++) AddTask(tasks[i].Parent);
        foreach (var t in tasks)
        {
            var c = t.Cred;
            s[$"task#{Id(t)}"] = $"pid={t.Pid} comm={Chars(t.Comm)} state={t.State} nice={t.Nice} parent={(t.Parent is null ? "-" : "#" + Id(t.Parent))} cred=#{Id(c)}";
            if (c is not null) s[$"task#{Id(t)}.cred"] = $"uid={c.Uid} gid={c.Gid} euid={c.Euid} egid={c.Egid} caps=0x{c.Capabilities:x} usage={c.Usage}";
        }
        s["init"] = "#" + Id(host.InitTask);
        s["scheduler"] = $"#{Id(sched)} current=#{Id(sched.Current)} runnable={sched.RunnableCount} switches={sched.ContextSwitches} slice={sched.TimeSliceNs} queue=#{Id(sched.RunQueue)}[{sched.RunQueue.Length}]";
        s["scheduler.runqueue"] = string.Join(",", sched.RunQueue.Select(t => t is null ? "-" : "#" + Id(t)));
        s["config"] = $"secureBoot={KernelConfig.SecureBoot} sigEnforce={KernelConfig.ModuleSigEnforce} panicOnOops={KernelConfig.PanicOnOops} logLevel={KernelConfig.ConsoleLogLevel}";
        s["config.hostname"] = KernelConfig.Hostname is null ? "null" : $"#{Id(KernelConfig.Hostname)} {Chars(KernelConfig.Hostname)}";
        s["syscalls"] = $"#{Id(KernelTables.SyscallTable)}[{KernelTables.SyscallTable.Length}] " + string.Join(",", KernelTables.SyscallTable.Select(v => v.ToString("x")));
        s["syscalls.names"] = $"#{Id(KernelTables.SyscallNames)} " + string.Join(",", KernelTables.SyscallNames.Select(Chars));
        s["net.devices"] = string.Join(",", host.Api.NetDevices.Select(d => $"{d.Name}#{Id(d)}"));
        foreach (var d in host.Api.NetDevices)
            s[$"net.{d.Name}.stats"] = $"#{Id(d.Stats)} " + string.Join(" ", typeof(Kernel.Net.NetDeviceStats).GetFields().Select(f => f.Name + "=" + f.GetValue(d.Stats)));
        var net = host.Net;
        s["net.stack"] = $"verifyOffload={net.VerifyOffloadedChecksums} sink={(net.Sink is null ? "-" : net.Sink.GetType().FullName)} delivered={net.Delivered} bytes={net.DeliveredBytes} tx={net.Transmitted} dropped={net.TotalDropped}";
        s["pci"] = string.Join(",", host.Pci.Devices.Select(d => $"{d.Name}#{Id(d)}"));
        foreach (var d in host.Pci.Devices)
        {
            var cfg = new StringBuilder();
            for (int off = 0; off < 64; off += 4) cfg.Append(d.ReadConfig32(off).ToString("x8"));
            s[$"pci.{d.Name}"] = $"claimed={d.Claimed} irqsrc={(d.InterruptSource is null ? "-" : d.InterruptSource.GetType().Name)} config={cfg}";
            if (d.Bar0 is { } bar) s[$"pci.{d.Name}.mmio"] = Hash(bar.Base, bar.Length);
        }
        var windows = host.Dma.Windows.ToList();
        s["dma.windows"] = string.Join(",", windows.Where(w => w.Owner is "nic0" or "blk0").Select(w => $"{w.Owner}:{w.Label}@{w.Address:x}+{w.Length:x}"));
        foreach (var w in windows.Where(w => w.Owner is "nic0" or "blk0").OrderBy(w => w.Address))
            s[$"dma.{w.Owner}@{w.Address:x}"] = Hash(w.Address, w.Length);
        return s;
    }

    /// <summary>The entries that differ (or exist on one side only), as "key: before -> after".</summary>
    public static List<string> Diff(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        var result = new List<string>();
        foreach (var key in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            before.TryGetValue(key, out var b);
            after.TryGetValue(key, out var a);
            if (b != a) result.Add($"{key}: {Short(b)} -> {Short(a)}");
        }
        return result;
    }

    private static string Short(string? v) => v is null ? "(none)" : v.Length <= 160 ? v : v[..150] + "...";

    private static int Id(object? o) => o is null ? 0 : RuntimeHelpers.GetHashCode(o);

    // The characters as they are now (a copy), so an in-place mutation of a shared string shows.
    private static string Chars(string? s) => s is null ? "null" : "\"" + new string(s.AsSpan()) + "\"";

    private static unsafe string Hash(nint address, nuint length) => Hash((byte*)address, length);

    private static unsafe string Hash(byte* address, nuint length)
    {
        var span = new ReadOnlySpan<byte>(address, checked((int)length));
        return System.IO.Hashing.XxHash64.HashToUInt64(span).ToString("x16");
    }
}
