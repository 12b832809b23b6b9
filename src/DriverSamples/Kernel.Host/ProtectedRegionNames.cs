namespace Kernel;

/// <summary>The region names <see cref="KernelHost.RegisterProtectedRegions"/> registers with the guard runtime.</summary>
public static class ProtectedRegionNames
{
    /// <summary>The current task's <see cref="Credentials"/> object.</summary>
    public const string CurrentCred = "current-cred";
    /// <summary>The init task's credentials.</summary>
    public const string InitCred = "init-cred";
    /// <summary>The current <see cref="KernelTask"/> object (its Cred pointer, pid, comm).</summary>
    public const string CurrentTask = "current-task";
    /// <summary>The <see cref="Kernel.Scheduler"/> object (current pointer, counters).</summary>
    public const string Scheduler = "scheduler";
    /// <summary>The scheduler's run-queue array.</summary>
    public const string RunQueue = "run-queue";
    /// <summary>Every element of <see cref="KernelTables.SyscallTable"/>.</summary>
    public const string SyscallTable = "syscall-table";
    /// <summary>The names of <see cref="KernelTables.SyscallTable"/>'s entries: read-only for every module.</summary>
    public const string SyscallNames = "syscall-names";
    /// <summary>nic0's BAR0 register window (unmanaged).</summary>
    public const string Nic0Mmio = "nic0-mmio";
    /// <summary>blk0's BAR0 register window (unmanaged).</summary>
    public const string Blk0Mmio = "blk0-mmio";
    /// <summary>Every DMA window owned by nic0 (the e1000e driver's rings and buffers).</summary>
    public const string Nic0Dma = "nic0-dma";
    /// <summary>blk0's DMA window (the block device's virtqueue memory).</summary>
    public const string Blk0Dma = "blk0-dma";

    /// <summary>The driver-owned <see cref="Net.NetDeviceStats"/> of interface <paramref name="ifname"/> (e.g. <c>eth0-stats</c>).</summary>
    public static string NetDeviceStats(string ifname) => ifname + "-stats";

    /// <summary>The DMA windows of owner <paramref name="owner"/> (e.g. <c>hostile-dma</c>).</summary>
    public static string Dma(string owner) => owner + "-dma";
}
