using System.Reflection;

namespace Weaver.Tests.Fuzz;

/// <summary>
/// Framework members left out of the grammar, each with the reason. Only members that would break the harness
/// itself are excluded: threads (a violation on a thread the module starts is issue 11 item 6, and would take the
/// run down), blocking waits, process-wide switches, the disk, and freeing memory the harness owns. Everything else
/// the producers can reach stays in, refused members included: a refusal is a result.
/// </summary>
public static class SurfaceExclusions
{
    private static readonly (string Prefix, string Reason)[] Types =
    [
        ("System.Threading.Interlocked", ""), ("System.Threading.Volatile", ""),
        ("System.Threading.", "starts threads, timers or tasks, or blocks"),
        ("System.Environment", "exits the process or changes process-wide state"),
        ("System.AppContext", "changes process-wide switches"),
        ("System.AppDomain", "changes process-wide state"),
        ("System.GC", "collects or reconfigures the GC (slow, global)"),
        ("System.Runtime.GCSettings", "changes process-wide GC settings"),
        ("System.Runtime.Loader.", "loads code (refused by the weaver; not a memory API)"),
        ("System.Runtime.ProfileOptimization", "changes process-wide JIT settings"),
        ("System.Diagnostics.Debugger", "breaks into a debugger or waits for one"),
        ("System.Diagnostics.Tracing.", "process-wide event sources"),
        ("System.Console", "blocks on standard input"),
        ("System.IO.File", "touches the disk"), ("System.IO.Directory", "touches the disk"),
        ("System.IO.RandomAccess", "touches the disk"), ("System.IO.DriveInfo", "touches the disk"),
        ("System.IO.Enumeration.", "touches the disk"), ("System.IO.IsolatedStorage", "touches the disk"),
        ("System.IO.Pipes", "blocks"),
        ("System.Runtime.InteropServices.ComWrappers", "COM: calls through arbitrary pointers"),
        ("System.Runtime.InteropServices.Marshalling.", "COM and P/Invoke marshalling stubs"),
        ("System.Runtime.InteropServices.SafeBuffer", "frees or releases native memory"),
    ];

    // Members that free, reallocate or release native memory, or call through a pointer as a COM object: on the
    // harness's own block they corrupt the C heap, and a freed protected range is a different class of bug
    // (issue 11 item 3, "frees or reallocates") that a byte snapshot cannot observe.
    private static readonly string[] MemberWords =
    [
        "Free", "ReAlloc", "Realloc", "Release", "AddRef", "QueryInterface", "IUnknown", "IDispatch", "ComObject",
        "DestroyStructure", "FinalReleaseComObject", "GetObjectForNativeVariant", "GetObjectsForNativeVariants",
        "GetTypedObjectForIUnknown", "GetDelegateForFunctionPointer", "SetLastPInvokeError", "Exit", "FailFast",
        "DangerousRelease", "Sleep", "Wait",
    ];

    /// <summary>Why <paramref name="m"/> is left out, or null when it is in the grammar.</summary>
    public static string? Reason(MethodBase m, Type on)
    {
        var name = on.FullName ?? on.Name;
        foreach (var (prefix, reason) in Types)
            if (name.StartsWith(prefix, StringComparison.Ordinal)) return reason.Length == 0 ? null : reason;
        foreach (var word in MemberWords)
            if (m.Name.Contains(word, StringComparison.Ordinal)) return "frees, releases, exits or blocks";
        if (m.DeclaringType?.Name is "GCHandle" or "GCHandle`1") return "GCHandle.Free/FromIntPtr on arbitrary values corrupts the handle table";
        return null;
    }
}
