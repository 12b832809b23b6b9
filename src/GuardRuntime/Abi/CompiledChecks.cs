using System.ComponentModel;

namespace GuardRuntime;

/// <summary>
/// What the checks of one module read: one byte per target (zero: never protected, the check ends there) and the
/// out-of-line slow paths, implemented by the host runtime's compiled policy. Opaque to woven code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class CompiledChecks
{
    /// <summary>One byte per target id of the module; zero means the store or call needs no further look.</summary>
    internal readonly byte[] TargetTable;

    internal CompiledChecks(byte[] targetTable) => TargetTable = targetTable;

    internal abstract void CheckField(ModuleHandle module, object? target, int targetId, int siteId);

    internal abstract void CheckStatic(ModuleHandle module, int targetId, int siteId);

    internal abstract void CheckElement(ModuleHandle module, object? array, nint index, int targetId, int siteId);

    internal abstract void CheckAddress(ModuleHandle module, ref byte address, nuint length, int targetId, int siteId);

    internal abstract void CheckObject(ModuleHandle module, object target, int targetId, int siteId);

    internal abstract void CheckCall(ModuleHandle module, int targetId, int siteId);
}
