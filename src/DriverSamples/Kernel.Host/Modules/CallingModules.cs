using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;

namespace Kernel;

/// <summary>
/// Which modules are on the current thread's stack, so that an exported kernel API can give its operations the
/// ownership checks a kernel gives its exported symbols: a module may free only the DMA windows it allocated, release
/// and configure only the PCI functions it claimed, unregister only the interfaces it registered. Every module on the
/// stack must own the resource, so a module cannot make another module (a driver it calls into) act for it.
/// </summary>
/// <remarks>
/// A stack walk costs microseconds; these are set-up and tear-down operations, never per-packet ones. A module is an
/// assembly in a <see cref="ModuleLoadContext"/>; code the host loaded itself (and the host) is not on the list.
/// </remarks>
internal static class CallingModules
{
    /// <summary>The module assemblies with a frame on the current stack, innermost first (empty: the host alone).</summary>
    public static IReadOnlyList<Assembly> OnStack()
    {
        List<Assembly>? found = null;
        // The module whose host-call check ran last: on the list even when a tail call took its frame off the stack.
        if (GuardRuntime.ModuleRegistry.HostCaller?.Assembly is { } caller
            && AssemblyLoadContext.GetLoadContext(caller) is ModuleLoadContext)
            found = [caller];
        var trace = new StackTrace(1, fNeedFileInfo: false);
        for (int i = 0; i < trace.FrameCount; i++)
        {
            var assembly = trace.GetFrame(i)?.GetMethod()?.DeclaringType?.Assembly;
            if (assembly is null || AssemblyLoadContext.GetLoadContext(assembly) is not ModuleLoadContext) continue;
            found ??= [];
            if (!found.Contains(assembly)) found.Add(assembly);
        }
        // The modules the host called into (Init, Exit), after the frames so the innermost stays first: the JIT may
        // turn a module's last call into a tail call, which takes its frame off the stack before the host API walks
        // it, even for a module with no checks.
        for (var e = entered; e is not null; e = e.Outer)
            if (AssemblyLoadContext.GetLoadContext(e.Module) is ModuleLoadContext && found?.Contains(e.Module) != true)
                (found ??= []).Add(e.Module);
        return found ?? (IReadOnlyList<Assembly>)[];
    }

    [ThreadStatic] private static Entry? entered;

    private sealed record Entry(Assembly Module, Entry? Outer);

    /// <summary>
    /// Records that the host is calling into <paramref name="module"/> on this thread until the returned scope is
    /// disposed, so that the module counts as on the stack whatever the JIT did to its frames.
    /// </summary>
    public static Scope Enter(Assembly? module)
    {
        var outer = entered;
        if (module is not null) entered = new Entry(module, outer);
        return new Scope(outer);
    }

    /// <summary>Ends an <see cref="Enter"/> on the thread that began it.</summary>
    public readonly struct Scope(object? outer) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => entered = (Entry?)outer;
    }

    /// <summary>The one module calling (null for the host), for recording who owns what it creates.</summary>
    public static Assembly? Innermost() => OnStack() is [var first, ..] ? first : null;

    /// <summary>
    /// Throws unless every module on the stack is <paramref name="owner"/> (the host, with no module on the stack,
    /// may do anything). A resource the host created (<paramref name="owner"/> null) is no module's.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">A module that does not own the resource is on the stack.</exception>
    public static void RequireOwner(Assembly? owner, string what)
    {
        foreach (var module in OnStack())
            if (module != owner)
                throw new UnauthorizedAccessException(
                    $"Module '{module.GetName().Name}' may not {what}: it belongs to {(owner is null ? "the kernel" : $"module '{owner.GetName().Name}'")}.");
    }
}
