using System.Runtime.CompilerServices;

namespace GuardRuntime;

/// <summary>
/// The out-of-line half of every check: entered only when the fast path's table byte is not zero. Kept apart from
/// the inlined fast path so that woven code carries one compare and one call, and nothing of the policy's shape.
/// </summary>
internal static class SlowPath
{
    // Each reads the policy once (an acquire: this is the slow path) and lets that policy decide alone.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Field(ModuleHandle module, object? target, int targetId, int siteId) =>
        Volatile.Read(ref module.Checks).CheckField(module, target, targetId, siteId);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Static(ModuleHandle module, int targetId, int siteId) =>
        Volatile.Read(ref module.Checks).CheckStatic(module, targetId, siteId);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Element(ModuleHandle module, object? array, nint index, int targetId, int siteId) =>
        Volatile.Read(ref module.Checks).CheckElement(module, array, index, targetId, siteId);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Address(ModuleHandle module, ref byte address, nuint length, int targetId, int siteId) =>
        Volatile.Read(ref module.Checks).CheckAddress(module, ref address, length, targetId, siteId);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Object(ModuleHandle module, object target, int targetId, int siteId) =>
        Volatile.Read(ref module.Checks).CheckObject(module, target, targetId, siteId);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Call(ModuleHandle module, int targetId, int siteId) =>
        Volatile.Read(ref module.Checks).CheckCall(module, targetId, siteId);
}
