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
/// Objects move only during a garbage collection, so the sorted extents are rebuilt lazily when the collection
/// count has changed, and a lookup that straddles a collection is retried. Nothing here allocates unless a rebuild
/// is due.
/// </remarks>
internal sealed class ManagedExtents
{
    private static readonly Func<object, nuint>? RawDataSize = FindRawDataSize();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, nuint> SizeByType = new();

    private readonly InstanceProtection[] protections;
    private Snapshot snapshot = new(-1, [], [], [], [], 0, 0);

    public ManagedExtents(IEnumerable<InstanceProtection> protections) => this.protections = [.. protections];

    public int Count => protections.Length;

    /// <summary>The strictest protection whose object bytes <c>[address, address + length)</c> touches, or null.</summary>
    public InstanceProtection? Find(nuint address, nuint length)
    {
        if (protections.Length == 0) return null;
        var last = address + (length == 0 ? 1 : length);
        if (last < address) last = nuint.MaxValue;
        while (true)
        {
            int gcCount = GC.CollectionCount(0);
            var current = Volatile.Read(ref snapshot);
            if (current.GcCount != gcCount) current = Rebuild(gcCount);
            InstanceProtection? hit = null;
            // Most pointer stores go to unmanaged memory or to unprotected objects: one bounding check first.
            if (last > current.Low && address < current.High) hit = current.Find(address, last);
            if (GC.CollectionCount(0) == gcCount) return hit;
        }
    }

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
        var instance = region.Instance;
        if (instance is Array array)
        {
            var elementType = array.GetType().GetElementType()!;
            nuint elementSize = elementType.IsValueType ? (nuint)RuntimeHelpers.SizeOf(elementType.TypeHandle) : (nuint)IntPtr.Size;
            var data = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
            long first = region.Count < 0 ? 0 : region.Start;
            long count = region.Count < 0 ? array.LongLength : region.Count;
            return (data + (nuint)first * elementSize, (nuint)count * elementSize);
        }
        if (instance is string text)
            return ((nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(text.AsSpan())), (nuint)text.Length * 2);
        var start = (nuint)Unsafe.AsPointer(ref Unsafe.As<RawObject>(instance).Data);
        // The field size of a (non-array, non-string) object depends only on its type: ask once per type, not at
        // every rebuild, which happens after every garbage collection.
        var size = SizeByType.GetOrAdd(instance.GetType(), static (_, o) => RawDataSize?.Invoke(o) ?? FieldBytesEstimate(o.GetType()), instance);
        return (start, size);
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
