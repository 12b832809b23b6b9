// A module with one of every kind of refusal, found by different steps of the weave: the check of the input (a
// method without an IL body, a reference to the guard ABI), the escape-hatch step (P/Invoke, calli, typed references,
// a raw pointer to an object slot, overlapping references, a framework call the effect model refuses), and host
// calls the host does not export. One weave must report every one of them, and close with one summary.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Many;

[StructLayout(LayoutKind.Explicit)]
public struct Overlap
{
    [FieldOffset(0)] public object Reference;
    [FieldOffset(0)] public long Bits;
}

public static unsafe class Refusals
{
    [DllImport("libc", EntryPoint = "getpid")]
    public static extern int GetPid();

    [MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void Poke(int value);

    public static int Indirect(delegate*<int> f) => f();

    public static int Typed(int x)
    {
        var r = __makeref(x);
        return __refvalue(r, int);
    }

    public static IntPtr AddressOfObject(object o) => (IntPtr)(&o);

    public static void Exit() => Environment.Exit(1);
    public static void ExitAgain() => Environment.Exit(2);
    public static void Flip() => AppContext.SetSwitch("Many.Switch", true);

    public static void Host(Many.Host.Api api) => api.Secret();
    public static void HostAgain(Many.Host.Api api) => api.Secret();

    public static void Forge() => GuardRuntime.Guard.StoreStatic(0, 0, null!);
}
