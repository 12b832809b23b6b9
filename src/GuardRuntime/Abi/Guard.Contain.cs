using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace GuardRuntime;

public static partial class Guard
{
    /// <summary>
    /// Wraps a delegate a module hands to a framework method (a thread start, a pool work item, a timer callback, a
    /// task body, a LINQ predicate...). The wrapper calls through when module code, or a host call into the module, is
    /// already on the thread's stack, so a callback's exception reaches the module's caller exactly as before; when the
    /// framework runs it on its own (a new thread, the pool, a timer), an exception escaping it is handed to the host's
    /// fault handler instead of ending the process. See <see cref="Containment"/> for the exact rules.
    /// </summary>
    /// <returns><paramref name="callback"/>'s wrapper, of the same delegate type; null for null.</returns>
    [return: NotNullIfNotNull(nameof(callback))]
    public static T? Contain<T>(T? callback, ModuleHandle module) where T : Delegate =>
        callback is null ? null : Containment.Wrap(callback, module);

    /// <summary>
    /// <see cref="Contain{T}"/> for an event handler given to a framework event's <c>add_</c>/<c>remove_</c>
    /// accessor: equal handlers get the same wrapper, so that removing a handler removes what adding it added.
    /// </summary>
    [return: NotNullIfNotNull(nameof(handler))]
    public static T? ContainHandler<T>(T? handler, ModuleHandle module) where T : Delegate =>
        handler is null
            ? null
            : (T)module.StableWrappers.GetOrAdd(handler, static (h, m) => Containment.Wrap(h, m), module);

    /// <summary>
    /// Takes the place of <c>AsyncVoidMethodBuilder.SetException</c> in a module's <c>async void</c> method: the
    /// framework would rethrow the exception on the thread pool and end the process; the host's fault handler gets it
    /// instead, and the builder completes.
    /// </summary>
    public static void FaultAsyncVoid(ref AsyncVoidMethodBuilder builder, Exception exception, ModuleHandle module)
    {
        Containment.Report(module, exception, "async void");
        builder.SetResult();
    }

    /// <summary>
    /// Called from the catch handler the weaver wraps around a module's finalizer: the finalizer thread has no caller
    /// to hand an exception to (the runtime would end the process), so the host's fault handler gets it instead.
    /// </summary>
    public static void FaultFinalizer(Exception exception, ModuleHandle module) =>
        Containment.Report(module, exception, "finalizer");
}
