using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GuardRuntime;

/// <summary>
/// Where the protected managed objects and array ranges are in memory right now, so that a write through a raw
/// pointer or a byref (a <c>fixed</c> pointer walked past its array, <c>Unsafe.AsPointer</c>, <c>ref</c> locals,
/// <c>Span&lt;T&gt;</c> indexers, <c>Interlocked</c>) is checked against them by its final address, not only against
/// unmanaged ranges.
/// </summary>
/// <remarks>
/// Up to <see cref="LinearLimit"/> protected extents, the test is GC-safe by construction: for each extent it
/// subtracts two managed references (the extent's first byte, reached through its object, and the written byref),
/// which the GC updates together, so the offset is exact whenever it is taken and no collection count is read or
/// snapshot rebuilt. An interior pointer stays inside the object it points into when the object moves, so the answer
/// holds until the store. Above the limit, sorted extents are rebuilt lazily when the collection count has changed,
/// and a lookup that straddles a collection is retried (the address is taken inside the retry, after the count).
/// Nothing here allocates unless a rebuild is due.
/// </remarks>
internal sealed class ManagedExtents
{
    /// <summary>How many extents are scanned by offset before the sorted, GC-count-checked snapshot takes over.</summary>
    internal const int LinearLimit = 64;

    private static readonly Func<object, nuint>? RawDataSize = FindRawDataSize();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, nuint> SizeByType = new();

    private readonly InstanceProtection[] protections;
    private readonly Extent[] extents;
    private Snapshot snapshot = new(-1, [], [], [], [], 0, 0);

    public ManagedExtents(IEnumerable<InstanceProtection> protections)
    {
        this.protections = [.. protections];
        extents = this.protections.Length <= LinearLimit ? [.. this.protections.Select(Extent.Of)] : [];
    }

    public int Count => protections.Length;

    /// <summary>The strictest protection whose object bytes <c>[address, address + length)</c> touches, or null.</summary>
    public InstanceProtection? Find(ref byte address, nuint length)
    {
        if (protections.Length == 0) return null;
        if (protections.Length <= LinearLimit) return FindByOffset(ref address, length);
        while (true)
        {
            int gcCount = GC.CollectionCount(0);
            var current = Volatile.Read(ref snapshot);
            if (current.GcCount != gcCount) current = Rebuild(gcCount);
            var at = Address(ref address);
            var last = at + (length == 0 ? 1 : length);
            if (last < at) last = nuint.MaxValue;
            InstanceProtection? hit = null;
            // Most pointer stores go to unmanaged memory or to unprotected objects: one bounding check first.
            if (last > current.Low && at < current.High) hit = current.Find(at, last);
            if (GC.CollectionCount(0) == gcCount) return hit;
        }
    }

    private InstanceProtection? FindByOffset(ref byte address, nuint length)
    {
        // A length beyond half the address space touches everything a signed offset can say.
        nint span = length == 0 ? 1 : length > (nuint)(nint.MaxValue / 2) ? nint.MaxValue / 2 : (nint)length;
        InstanceProtection? best = null;
        foreach (var extent in extents)
        {
            // offset of the write from the extent's first byte; both references move together in a collection.
            nint offset = Unsafe.ByteOffset(ref extent.First(), ref address);
            if (offset < extent.Size && offset > -span
                && (best is null || extent.Protection.Verdict.Action > best.Value.Verdict.Action))
                best = extent.Protection;
        }
        return best;
    }

    private static unsafe nuint Address(ref byte address) => (nuint)Unsafe.AsPointer(ref address);

    // One protected extent: its object (a GC reference, so the extent moves with it), how to reach its first byte, and
    // its size, which does not change while the object lives.
    private readonly record struct Extent(object Instance, int Kind, nint Start, nint Size, InstanceProtection Protection)
    {
        private const int Fields = 0, Elements = 1, Chars = 2;

        public static Extent Of(InstanceProtection protection)
        {
            var instance = protection.Region.Instance;
            if (instance is Array array)
            {
                nuint elementSize = ElementSize(array);
                long first = protection.Region.Count < 0 ? 0 : protection.Region.Start;
                long count = protection.Region.Count < 0 ? array.LongLength : protection.Region.Count;
                return new(array, Elements, (nint)((nuint)first * elementSize), (nint)((nuint)count * elementSize), protection);
            }
            if (instance is string text) return new(text, Chars, 0, text.Length * 2, protection);
            return new(instance, Fields, 0, (nint)FieldSize(instance), protection);
        }

        public ref byte First()
        {
            if (Kind == Elements) return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Unsafe.As<Array>(Instance)), Start);
            if (Kind == Chars)
                return ref Unsafe.As<char, byte>(ref Unsafe.AsRef(in Unsafe.As<string>(Instance).GetPinnableReference()));
            return ref Unsafe.As<RawObject>(Instance).Data;
        }
    }

    private static nuint ElementSize(Array array)
    {
        var elementType = array.GetType().GetElementType()!;
        return elementType.IsValueType ? (nuint)RuntimeHelpers.SizeOf(elementType.TypeHandle) : (nuint)IntPtr.Size;
    }

    // The field size of a (non-array, non-string) object depends only on its type: ask once per type.
    private static nuint FieldSize(object instance) =>
        SizeByType.GetOrAdd(instance.GetType(), static (_, o) => RawDataSize?.Invoke(o) ?? FieldBytesEstimate(o.GetType()), instance);

    private Snapshot Rebuild(int gcCount)
    {
        var items = new List<(nuint Start, nuint End, InstanceProtection Protection)>(protections.Length);
        foreach (var p in protections)
        {
            var (start, size) = ExtentOf(p.Region);
            if (size > 0) items.Add((start, start + size, p));
        }
        items.Sort((a, b) => a.Start.CompareTo(b.Start));
        var prefixMaxEnd = new nuint[items.Count];
        for (int i = 0; i < items.Count; i++) prefixMaxEnd[i] = i == 0 ? items[i].End : Math.Max(prefixMaxEnd[i - 1], items[i].End);
        var next = new Snapshot(gcCount, [.. items.Select(i => i.Start)], [.. items.Select(i => i.End)], prefixMaxEnd, [.. items.Select(i => i.Protection)],
            items.Count == 0 ? 0 : items.Min(i => i.Start), items.Count == 0 ? 0 : items.Max(i => i.End));
        Volatile.Write(ref snapshot, next);
        return next;
    }

    private static unsafe (nuint Start, nuint Size) ExtentOf(InstanceRegion region)
    {
        var extent = Extent.Of(new InstanceProtection(region, null!));
        return ((nuint)Unsafe.AsPointer(ref extent.First()), (nuint)extent.Size);
    }

    // The runtime knows each object's field size exactly but does not expose it publicly.
    private static Func<object, nuint>? FindRawDataSize()
    {
        var method = typeof(RuntimeHelpers).GetMethod("GetRawObjectDataSize", BindingFlags.NonPublic | BindingFlags.Static, [typeof(object)]);
        // It returns nuint (UIntPtr is not IConvertible, so Convert.ToUInt64 would throw on every lookup);
        // accept the integral types older runtimes used too.
        return method is null ? null : o => method.Invoke(null, [o]) switch
        {
            nuint n => n,
            ulong n => (nuint)n,
            uint n => n,
            long n => (nuint)n,
            int n => (nuint)n,
            _ => FieldBytesEstimate(o.GetType()),
        };
    }

    private static nuint FieldBytesEstimate(Type type)
    {
        nuint size = 0;
        for (var t = type; t is not null; t = t.BaseType)
            size += (nuint)t.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly).Length * 8;
        return size;
    }

    // Reinterpreted over any object: Data is the first byte of its fields (the layout trick the BCL uses internally).
    private sealed class RawObject
    {
#pragma warning disable CS0649 // never assigned: only its address is taken
        public byte Data;
#pragma warning restore CS0649
    }

    private sealed record Snapshot(int GcCount, nuint[] Starts, nuint[] Ends, nuint[] PrefixMaxEnd, InstanceProtection[] Protections, nuint Low, nuint High)
    {
        public InstanceProtection? Find(nuint address, nuint last)
        {
            int lo = 0, hi = Starts.Length - 1, first = 0;
            while (lo <= hi)
            {
                int mid = (lo + hi) >>> 1;
                if (Starts[mid] <= address) { first = mid; lo = mid + 1; } else hi = mid - 1;
            }
            InstanceProtection? best = null;
            // Extents of distinct objects never overlap, but element ranges of one array can: look forward over the
            // extents that start before the write ends, and backward while an earlier extent can still reach it.
            for (int i = first; i < Starts.Length && Starts[i] < last; i++)
                if (Ends[i] > address && (best is null || Protections[i].Verdict.Action > best.Value.Verdict.Action)) best = Protections[i];
            for (int i = first - 1; i >= 0 && PrefixMaxEnd[i] > address; i--)
                if (Ends[i] > address && (best is null || Protections[i].Verdict.Action > best.Value.Verdict.Action)) best = Protections[i];
            return best;
        }
    }
}
