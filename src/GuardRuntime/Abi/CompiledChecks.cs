using System.ComponentModel;

namespace GuardRuntime;

/// <summary>
/// What the checks of one module read: one byte per target (zero: never protected, the check ends there) and the
/// out-of-line slow paths, implemented by the host runtime's compiled policy. Opaque to woven code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract unsafe class CompiledChecks
{
    /// <summary>One byte per target id of the module; zero means the store or call needs no further look.</summary>
    /// <remarks>
    /// Allocated on the pinned object heap, so that <see cref="TablePointer"/> stays valid for as long as the array
    /// lives: the fast path reads the byte through that pointer, with no array header load and no bounds check.
    /// </remarks>
    internal readonly byte[] TargetTable;

    /// <summary>The address of <see cref="TargetTable"/>'s first byte (the array is pinned for its whole life).</summary>
    internal readonly byte* TablePointer;

    internal CompiledChecks(byte[] targetTable)
    {
        TargetTable = GC.AllocateArray<byte>(targetTable.Length, pinned: true);
        targetTable.CopyTo(TargetTable, 0);
        // Null for a module with no targets, which has no guard to read it.
        fixed (byte* table = TargetTable) TablePointer = table;
    }

    internal abstract void CheckField(ModuleHandle module, object? target, int targetId, int siteId);

    internal abstract void CheckStatic(ModuleHandle module, int targetId, int siteId);

    internal abstract void CheckElement(ModuleHandle module, object? array, nint index, int targetId, int siteId);

    internal abstract void CheckAddress(ModuleHandle module, ref byte address, nuint length, int targetId, int siteId);

    internal abstract void CheckObject(ModuleHandle module, object target, int targetId, int siteId);

    internal abstract void CheckCall(ModuleHandle module, int targetId, int siteId);
}
