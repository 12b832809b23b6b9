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
public abstract class ModuleHandle
{
    // The compiled policy the checks read now. Replaced as a whole by the host with a release write; a check reads it
    // with a plain load and reaches everything else through it, so data dependency orders its reads.
    internal CompiledChecks Checks;

    // Wrappers of the event handlers the module gave framework events (Guard.ContainHandler), keyed by delegate
    // equality so that "-=" finds what "+=" added; it lives and dies with the module.
    internal readonly ConcurrentDictionary<Delegate, Delegate> StableWrappers = new();

    internal ModuleHandle(CompiledChecks initial) => Checks = initial;
}
