using System.Runtime.CompilerServices;

namespace KcrRuntime;

/// <summary>
/// Per-thread lookup from table id to that thread's <see cref="ThreadSlot{T}"/>. A plain
/// [ThreadStatic] array in a non-generic class, because the JIT inlines that access, which is
/// cheaper than <see cref="ThreadLocal{T}"/> or a thread static inside a generic type.
/// </summary>
internal static class ThreadSlots
{
    [ThreadStatic]
    private static object?[]? t_slots;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static object? Get(int tableId)
    {
        object?[]? slots = t_slots;
        return slots is not null && (uint)tableId < (uint)slots.Length ? slots[tableId] : null;
    }

    internal static void Set(int tableId, object slot)
    {
        object?[]? slots = t_slots;
        if (slots is null || tableId >= slots.Length)
        {
            int size = KcrOptions.RoundUpToPowerOfTwo(Math.Max(16, tableId + 1));
            Array.Resize(ref slots, size);
            t_slots = slots;
        }

        slots[tableId] = slot;
    }
}
