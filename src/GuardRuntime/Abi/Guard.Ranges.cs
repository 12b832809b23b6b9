using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GuardRuntime;

public static partial class Guard
{
    /// <summary>
    /// Checks a library call that writes <paramref name="count"/> elements of <paramref name="array"/> from
    /// <paramref name="start"/> (a negative count means "to the end"), such as <c>Array.Copy</c> or a span over the array.
    /// The range is checked by address, against protected objects, array ranges and unmanaged ranges alike.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreElements(Array? array, nint start, nint count, int targetId, int siteId, ModuleHandle module)
    {
        if (IsChecked(module, targetId)) CheckElements(module, array, start, count, targetId, siteId);
    }

    /// <summary>Checks a library call that writes every element of <paramref name="destination"/> (<c>Fill</c>, <c>CopyTo</c>, <c>BinaryPrimitives.Write*</c>...).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreSpan<T>(Span<T> destination, int targetId, int siteId, ModuleHandle module)
    {
        if (IsChecked(module, targetId))
            SlowPath.Address(module, ref Unsafe.As<T, byte>(ref MemoryMarshal.GetReference(destination)),
                (nuint)destination.Length * (nuint)Unsafe.SizeOf<T>(), targetId, siteId);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CheckElements(ModuleHandle module, Array? array, nint start, nint count, int targetId, int siteId)
    {
        if (array is null) return; // the call itself will throw
        long length = array.LongLength;
        long first = Math.Clamp((long)start, 0, length);
        long n = count < 0 ? length - first : Math.Clamp((long)count, 0, length - first);
        if (n == 0) return;
        var elementType = array.GetType().GetElementType()!;
        nuint elementSize = (nuint)(elementType.IsValueType ? RuntimeHelpers.SizeOf(elementType.TypeHandle) : IntPtr.Size);
        ref byte data = ref MemoryMarshal.GetArrayDataReference(array);
        SlowPath.Address(module, ref Unsafe.Add(ref data, (nint)((nuint)first * elementSize)), (nuint)n * elementSize, targetId, siteId);
    }
}
