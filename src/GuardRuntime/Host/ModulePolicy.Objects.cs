using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GuardRuntime;

public sealed partial class ModulePolicy
{
    // Strings and boxed values are shared (interned literals, cached boxes, host configuration): no policy makes them
    // writable, so this verdict has no rule and no allow form.
    private static readonly Verdict ImmutableVerdict = new(GuardAction.Throw, null, null) { Reason = "the immutability of shared objects (any policy)" };

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal override void CheckObject(ModuleHandle handle, object target, int targetId, int siteId)
    {
        var module = (ModuleGuard)handle;
        GuardMetrics.SlowCheck(module);
        if (Table[targetId] == Refused) { Refuse(module, targetId, siteId); return; }
        if (Guard.IsImmutableShared(target))
        {
            Enforce(module, ImmutableVerdict, targetId, siteId,
                $"a framework call may write a {(target is string ? "string" : "boxed " + target.GetType().Name)}, "
                + "which is immutable and shared");
            return;
        }
        if (instances.TryGetValue(target, out var found))
        {
            // The whole object is the destination: any protected part of it (an element range of an array included)
            // decides, the strictest first (the compiler orders them so).
            foreach (var protection in found)
                if (protection.Verdict.Action != GuardAction.Allow)
                {
                    Enforce(module, protection.Verdict, targetId, siteId, $"the whole {target.GetType().Name}");
                    return;
                }
        }
        if (target is Array array && array.LongLength > 0)
        {
            // An array inside nothing protected by identity may still lie in a protected extent by address.
            var element = array.GetType().GetElementType()!;
            nuint size = (nuint)(element.IsValueType ? RuntimeHelpers.SizeOf(element.TypeHandle) : IntPtr.Size);
            CheckAddress(handle, ref MemoryMarshal.GetArrayDataReference(array), (nuint)array.LongLength * size, targetId, siteId);
            return;
        }
        // A framework collection or builder keeps its elements in private arrays (List<T>._items): a call that writes
        // the collection writes them, so each is checked like the collection itself.
        foreach (var storage in ObjectRules.StorageOf(target))
            CheckObject(handle, storage, targetId, siteId);
        if (objectRules.For(target.GetType()) is { } verdict)
            Enforce(module, verdict, targetId, siteId, $"a framework call may write any field of this {target.GetType().Name}");
    }
}
