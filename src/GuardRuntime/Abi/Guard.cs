using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace GuardRuntime;

/// <summary>
/// The checks that woven code calls before every store. This is the weaver's ABI: application code does not call
/// these methods. Each check is a table load and a predicted branch when the target is not protected; everything
/// else (instance lookups, range searches, verdicts, reports) lives out of line in the module's compiled policy.
/// </summary>
/// <remarks>
/// Every entry point takes the module's <see cref="ModuleHandle"/> last, so that the woven sequence can push the
/// store's own operands first and the module handle (a static readonly field of the woven module) last.
/// Target and site ids are module-local constants assigned by the weaver (recorded in the module's guard manifest).
/// This class and <see cref="ModuleHandle"/> are the whole ABI (listed once in the verifier's ABI descriptor); a
/// module that references anything else of the runtimes is refused by the weaver and by the load-time verifier.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class Guard
{
    /// <summary>Registers a woven module with the runtime; called once from the module's injected static constructor.</summary>
    /// <param name="anchor">A type of the woven module (the weaver passes its injected guard holder type).</param>
    /// <returns>The module's guard handle, which the woven code passes to every check.</returns>
    public static ModuleHandle Register(RuntimeTypeHandle anchor) =>
        HostBinding.Register(Type.GetTypeFromHandle(anchor)?.Assembly
            ?? throw new ArgumentException("The anchor type handle is invalid.", nameof(anchor)));

    /// <summary>Checks a store to an instance field of <paramref name="target"/> (null for a value-type receiver).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreField(object? target, int targetId, int siteId, ModuleHandle module)
    {
        if (IsChecked(module, targetId)) SlowPath.Field(module, target, targetId, siteId);
    }

    /// <summary>Checks a store to a static field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreStatic(int targetId, int siteId, ModuleHandle module)
    {
        if (IsChecked(module, targetId)) SlowPath.Static(module, targetId, siteId);
    }

    /// <summary>Checks a store to element <paramref name="index"/> of <paramref name="array"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreElement(object? array, nint index, int targetId, int siteId, ModuleHandle module)
    {
        if (IsChecked(module, targetId)) SlowPath.Element(module, array, index, targetId, siteId);
    }

    /// <summary>
    /// Checks a write of <paramref name="length"/> bytes through a byref or raw pointer. The woven code passes the
    /// destination as it is on the IL stack (managed or unmanaged pointer); the runtime compares its final address
    /// with the protected address ranges.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAddress(ref byte address, nuint length, int targetId, int siteId, ModuleHandle module)
    {
        if (IsChecked(module, targetId)) SlowPath.Address(module, ref address, length, targetId, siteId);
    }

    /// <summary>Checks a call from the module to a host method that a policy may deny (API integrity).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Call(int targetId, int siteId, ModuleHandle module)
    {
        // Who is calling the host: exported host code asks (ModuleRegistry.HostCaller) to check ownership.
        Containment.HostCaller = module;
        if (IsChecked(module, targetId)) SlowPath.Call(module, targetId, siteId);
    }

    // The fast path: one load of the table address from the handle (in a register: the weaver loads the handle once
    // per method), one byte load, one predicted branch; no array header, no bounds check. The ids are constants the
    // weaver assigned below the manifest's target count, which is the table's length; the load-time verifier proves
    // every check's ids against the manifest, and a module that calls this ABI itself is refused by the weaver and
    // the verifier, so no verified module reaches the table with an id of its own choosing.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe bool IsChecked(ModuleHandle module, int targetId) => ((byte*)module.Table)[(uint)targetId] != 0;
}
