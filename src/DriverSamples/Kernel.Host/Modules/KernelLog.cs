using GuardRuntime;
namespace Kernel;

/// <summary>Message severity, the <c>KERN_*</c> levels.</summary>
public enum LogLevel
{
    /// <summary>KERN_EMERG.</summary>
    Emergency = 0,
    /// <summary>KERN_ERR.</summary>
    Error = 3,
    /// <summary>KERN_WARNING.</summary>
    Warning = 4,
    /// <summary>KERN_NOTICE.</summary>
    Notice = 5,
    /// <summary>KERN_INFO.</summary>
    Info = 6,
    /// <summary>KERN_DEBUG.</summary>
    Debug = 7,
}

/// <summary>One line of the kernel log.</summary>
/// <param name="TimeNs">Simulated time of the message.</param>
/// <param name="Level">Severity.</param>
/// <param name="Source">Subsystem or module.</param>
/// <param name="Message">Text.</param>
public readonly record struct LogEntry(long TimeNs, LogLevel Level, string Source, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"[{TimeNs / 1e9,12:F6}] {Source}: {Message}";
}

/// <summary>The kernel ring buffer (<c>dmesg</c>): the newest <see cref="Capacity"/> messages.</summary>
public sealed class KernelLog
{
    /// <summary>How many messages are kept.</summary>
    public const int Capacity = 4096;

    private readonly Queue<LogEntry> entries = new();
    private readonly Func<long> clock;

    /// <summary>Creates a log stamped by <paramref name="clock"/>.</summary>
    public KernelLog(Func<long> clock) => this.clock = clock;

    /// <summary>The kept messages, oldest first.</summary>
    [ModuleExport]
    public IReadOnlyCollection<LogEntry> Entries => entries;

    /// <summary>Raised for every message (a console).</summary>
    public event Action<LogEntry>? Written;

    /// <summary>Logs a message (<c>printk</c>).</summary>
    [ModuleExport]
    public void Write(LogLevel level, string source, string message)
    {
        var entry = new LogEntry(clock(), level, source, message);
        if (entries.Count == Capacity) entries.Dequeue();
        entries.Enqueue(entry);
        Written?.Invoke(entry);
    }

    /// <summary>Whether any kept message contains <paramref name="text"/>.</summary>
    [ModuleExport]
    public bool Contains(string text) => entries.Any(e => e.Message.Contains(text, StringComparison.Ordinal));
}
