using System.Collections.Concurrent;
using System.ComponentModel;

namespace GuardRuntime;

/// <summary>
/// A woven module's handle, as woven code holds it: opaque, with no public members. The weaver stores the one
/// returned by <see cref="Guard.Register"/> in the module's injected holder and passes it to every check. Only the
/// guard host runtime (GuardRuntime.dll) can create one; what a host may ask of a module lives there
/// (<c>GuardRuntime.ModuleGuard</c>).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract unsafe class ModuleHandle
{
    // The compiled policy the slow paths read. Replaced as a whole by the host (Publish); a slow path reads it once
    // and decides with that policy alone, its own table included, so a store is judged by one whole policy.
    internal CompiledChecks Checks;

    // The fast path's only read: the address of the first byte of the table of the policy in force (Checks.TablePointer). Written
    // after Checks. A fast path that read an older table either stops there (that policy allowed the store) or enters
    // a slow path, which decides with the policy it reads; either way one whole policy decides.
    internal nint Table;

    // Every table this handle ever published, kept alive: a check that loaded Table just before a reload may still
    // read through it. Policies are installed rarely; their tables are one byte per target.
    private readonly List<byte[]> published = [];

    // Wrappers of the event handlers the module gave framework events (Guard.ContainHandler), keyed by delegate
    // equality so that "-=" finds what "+=" added; it lives and dies with the module.
    internal readonly ConcurrentDictionary<Delegate, Delegate> StableWrappers = new();

    internal ModuleHandle(CompiledChecks initial)
    {
        Checks = initial;
        Publish(initial);
    }

    /// <summary>Makes <paramref name="compiled"/> the policy in force; callers serialize publications.</summary>
    internal void Publish(CompiledChecks compiled)
    {
        lock (published) published.Add(compiled.TargetTable);
        Volatile.Write(ref Checks, compiled);
        Volatile.Write(ref Table, (nint)compiled.TablePointer);
    }
}
