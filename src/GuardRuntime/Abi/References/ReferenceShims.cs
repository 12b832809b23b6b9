using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace GuardRuntime;

/// <summary>
/// Reinterpreted references, checked where they are formed. The weaver redirects a module's
/// <c>Unsafe.As&lt;TFrom, TTo&gt;(ref TFrom)</c> between types that hold no object references here (a reinterpretation
/// involving references stays refused: it forges references), with the weaver's site and the module's handle: the
/// new reference may reach <c>sizeof(TTo)</c> bytes, which may be more than the <c>TFrom</c> it came from, so those bytes
/// are checked by address before the reference exists, as a writable field address is checked where it is formed.
/// (<c>Unsafe.As&lt;T&gt;(object)</c> needs no shim: the weaver makes it a <c>castclass</c>.) This is the weaver's ABI.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ReferenceShims
{
    /// <summary>Stands in for <c>Unsafe.As&lt;TFrom, TTo&gt;(ref TFrom)</c>, for the module of <paramref name="module"/>.</summary>
    public static ref TTo As<TFrom, TTo>(ref TFrom source, int site, ModuleHandle module)
    {
        ReflectionBinding.Require().Formed(module, site, ref Unsafe.As<TFrom, byte>(ref source), (nuint)Unsafe.SizeOf<TTo>());
        return ref Unsafe.As<TFrom, TTo>(ref source);
    }
}
