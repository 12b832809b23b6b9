namespace GuardRuntime;

/// <summary>An exception that escaped module code on a thread the host did not enter the module on.</summary>
/// <param name="Module">The module whose code threw.</param>
/// <param name="Exception">What escaped (a guard violation, or any other exception).</param>
/// <param name="Origin">Where it ran: <c>thread</c>, <c>thread pool</c>, <c>task</c> or <c>async void</c>.</param>
public sealed record ModuleFaultReport(ModuleGuard Module, Exception Exception, string Origin)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Module.Name} ({Origin}): {Exception.GetType().FullName}: {Exception.Message}";
}

/// <summary>
/// The host's side of fault containment for module threads: the scope host code opens around its calls into a
/// module, and what happens to an exception that escaped module code the framework ran on its own (a thread, a
/// pool work item, a timer, a task, an <c>async void</c> method).
/// </summary>
/// <remarks>
/// Such a fault always quarantines the module (fail closed: its code stopped half way on a thread nobody waits for,
/// so its state is unknown): every later store is refused and hosts refuse to enter it. The violation that caused it
/// (or, for another exception, a violation describing it) is recorded in <see cref="Violations"/>. Then
/// <see cref="Reported"/> is raised, on the faulting thread, so the host can record the fault and unload the module
/// at its next safe point. Handler exceptions are swallowed: nothing a handler does can crash the faulting thread.
/// </remarks>
public static class ModuleFaults
{
    private static long total;

    /// <summary>Raised for every contained fault, on its thread, after the module was quarantined.</summary>
    public static event Action<ModuleFaultReport>? Reported;

    /// <summary>How many faults were contained since start.</summary>
    public static long Total => Interlocked.Read(ref total);

    /// <summary>
    /// Opens a containment scope on this thread: module callbacks invoked inside it call through (their exceptions
    /// propagate to the caller, which must catch them). Hosts open one around every call into a module (init, exit,
    /// interrupts, polls, timers); dispose it on the same thread.
    /// </summary>
    public static ContainmentScope Scope() => new(Environment.CurrentManagedThreadId, Containment.Enter());

    /// <summary>Whether a scope is active on this thread.</summary>
    public static bool InScope => Containment.Active;

    // Installed as the ABI's fault sink by the host initializer.
    internal static void Report(ModuleHandle handle, Exception exception, string origin)
    {
        if (handle is not ModuleGuard module) return;
        Interlocked.Increment(ref total);
        var cause = (exception as GuardViolationException)?.Violation;
        if (cause is null)
        {
            var targets = module.Manifest.Targets;
            var target = targets.Count > 0 ? targets[0] : new GuardTarget(0, TargetKind.Call, "(none)", null);
            var site = new GuardSite(0, $"(module code on a {origin})", 0, null, 0, 0);
            cause = new GuardViolation(module.Name, site, target, null, "fault containment", GuardAction.Quarantine,
                $"{exception.GetType().FullName} escaped module code on a {origin}: {exception.Message}");
            Violations.Record(module, cause);
        }
        module.Quarantine(cause);
        var report = new ModuleFaultReport(module, exception, origin);
        foreach (var handler in Reported?.GetInvocationList() ?? [])
        {
            try { ((Action<ModuleFaultReport>)handler)(report); }
            catch (Exception) { /* see remarks: a handler cannot turn a contained fault into a crash */ }
        }
    }
}

/// <summary>A containment scope opened by <see cref="ModuleFaults.Scope"/>; dispose it to close it.</summary>
public readonly struct ContainmentScope : IDisposable
{
    private readonly int thread;
    private readonly ModuleHandle? outerCaller;

    internal ContainmentScope(int thread, ModuleHandle? outerCaller)
    {
        this.thread = thread;
        this.outerCaller = outerCaller;
    }

    /// <summary>Closes the scope.</summary>
    /// <exception cref="InvalidOperationException">Disposed on another thread than the one that opened it.</exception>
    public void Dispose()
    {
        if (thread == 0) return;
        if (thread != Environment.CurrentManagedThreadId)
            throw new InvalidOperationException("A containment scope must be closed on the thread that opened it.");
        Containment.Exit(outerCaller);
    }
}
