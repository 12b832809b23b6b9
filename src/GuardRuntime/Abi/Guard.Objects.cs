using System.Runtime.CompilerServices;

namespace GuardRuntime;

public static partial class Guard
{
    /// <summary>
    /// Checks a framework call that may write anywhere inside <paramref name="target"/>: the receiver or an argument of
    /// a framework method the effect model does not classify (or classifies as writing its receiver), such as a
    /// <c>List&lt;T&gt;</c> method or <c>IList&lt;T&gt;.set_Item</c> on an array. The whole object is the destination.
    /// </summary>
    /// <remarks>
    /// Strings and boxed values are shared and immutable: they go to the slow path whatever the policy's table says,
    /// so that no policy (not even allow-all) lets a framework call write one for the module.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreObject(object? target, int targetId, int siteId, ModuleHandle module)
    {
        if (target is null) return; // the call itself will throw or ignore it
        if (IsChecked(module, targetId) || IsImmutableShared(target)) SlowPath.Object(module, target, targetId, siteId);
    }

    /// <summary>Strings and boxed values: objects a module must never write, under any policy.</summary>
    internal static bool IsImmutableShared(object target) => target is string || target.GetType().IsValueType;
}
