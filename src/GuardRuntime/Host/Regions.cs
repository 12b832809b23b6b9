using System.Collections.Immutable;

namespace GuardRuntime;

/// <summary>
/// The run-time registry of named memory regions that policies refer to: object instances, array element ranges and
/// unmanaged address ranges. The host registers them (for example the current task's credentials, or a NIC's MMIO
/// window); a policy then names them (<c>"region": "current-cred"</c>).
/// </summary>
/// <remarks>
/// The registry is copy-on-write: every change publishes a new immutable <see cref="RegionSet"/> and raises
/// <see cref="Changed"/>, so the policy engine can recompile its tables while guards keep reading the old ones.
/// Changes are rare (device probe, task creation) and may allocate; checks never touch this class.
/// </remarks>
public static class Regions
{
    private static readonly object Gate = new();
    private static RegionSet current = RegionSet.Empty;

    /// <summary>Raised after every change, with the new region set.</summary>
    public static event Action<RegionSet>? Changed;

    /// <summary>The regions registered now.</summary>
    public static RegionSet Current => Volatile.Read(ref current);

    /// <summary>Registers <paramref name="instance"/> (every field of it, or every element if it is an array) under <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    public static void Protect(object instance, string name)
    {
        ArgumentNullException.ThrowIfNull(instance);
        Update(set => set.With(new InstanceRegion(name, instance, 0, instance is Array a ? a.LongLength : -1)), name);
    }

    /// <summary>
    /// Marks <paramref name="instance"/> (every field, or every element of an array) read-only for every module,
    /// whatever any policy says: no rule, section or default action can allow a module to write it. For host objects
    /// the host shares with modules and never means them to change (strings and boxed values are read-only always).
    /// </summary>
    public static void ProtectReadOnly(object instance, string name = ReadOnlyRegionName)
    {
        ArgumentNullException.ThrowIfNull(instance);
        Update(set => set.With(new InstanceRegion(name, instance, 0, instance is Array a ? a.LongLength : -1) { ReadOnly = true }), name);
    }

    /// <summary>The region name <see cref="ProtectReadOnly"/> uses when none is given.</summary>
    public const string ReadOnlyRegionName = "read-only";

    /// <summary>Registers the elements <c>[start, start + count)</c> of <paramref name="array"/> under <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie inside the array.</exception>
    public static void ProtectElements(Array array, long start, long count, string name)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (start < 0 || count < 0 || start + count > array.LongLength)
            throw new ArgumentOutOfRangeException(nameof(count), $"Elements [{start}, {start + count}) do not lie inside an array of {array.LongLength}.");
        Update(set => set.With(new InstanceRegion(name, array, start, count)), name);
    }

    /// <summary>Registers the unmanaged bytes <c>[address, address + length)</c> under <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty or wraps around the address space.</exception>
    public static void ProtectRange(nint address, nuint length, string name)
    {
        if (length == 0 || (nuint)address + length < (nuint)address)
            throw new ArgumentOutOfRangeException(nameof(length), $"Address range 0x{address:x}+{length} is empty or wraps around.");
        Update(set => set.With(new AddressRegion(name, (nuint)address, length)), name);
    }

    /// <summary>Registers the unmanaged bytes <c>[address, address + length)</c> under <paramref name="name"/>.</summary>
    public static unsafe void ProtectRange(void* address, nuint length, string name) => ProtectRange((nint)address, length, name);

    /// <summary>Removes every region registered under <paramref name="name"/>; returns whether there was one.</summary>
    public static bool Unprotect(string name)
    {
        bool removed = false;
        Update(set =>
        {
            var next = set.Without(name);
            removed = !ReferenceEquals(next, set);
            return next;
        }, name);
        return removed;
    }

    /// <summary>Removes every region registered for <paramref name="instance"/>; returns whether there was one.</summary>
    public static bool Unprotect(object instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        bool removed = false;
        Update(set =>
        {
            var next = set.Without(instance);
            removed = !ReferenceEquals(next, set);
            return next;
        }, "instance");
        return removed;
    }

    /// <summary>Removes every region (used by tests and by a host that restarts).</summary>
    public static void Clear() => Update(_ => RegionSet.Empty, "all");

    private static void Update(Func<RegionSet, RegionSet> change, string name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A region needs a name that policies can refer to.", nameof(name));
        RegionSet next;
        lock (Gate)
        {
            next = change(current);
            if (ReferenceEquals(next, current)) return;
            Volatile.Write(ref current, next);
        }
        Changed?.Invoke(next);
    }
}

/// <summary>A protected object instance, or a range of elements of a protected array.</summary>
/// <param name="Name">The name policies refer to.</param>
/// <param name="Instance">The protected object.</param>
/// <param name="Start">For arrays, the first protected element; else 0.</param>
/// <param name="Count">For arrays, how many elements are protected; -1 for a non-array instance (all fields).</param>
public sealed record InstanceRegion(string Name, object Instance, long Start, long Count)
{
    /// <summary>Whether the host marked the object read-only for every module (<see cref="Regions.ProtectReadOnly"/>).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Whether a store to element <paramref name="index"/> (or to any field, for non-arrays) falls in the region.</summary>
    public bool Covers(long index) => Count < 0 || (index >= Start && index < Start + Count);
}

/// <summary>A protected range of unmanaged memory.</summary>
/// <param name="Name">The name policies refer to.</param>
/// <param name="Start">The first protected address.</param>
/// <param name="Length">How many bytes are protected.</param>
public sealed record AddressRegion(string Name, nuint Start, nuint Length)
{
    /// <summary>One past the last protected address.</summary>
    public nuint End => Start + Length;

    /// <summary>Whether a write of <paramref name="length"/> bytes at <paramref name="address"/> touches the region.</summary>
    public bool Overlaps(nuint address, nuint length) => address < End && Start < address + Math.Max(length, 1);
}

/// <summary>An immutable snapshot of every registered region.</summary>
public sealed class RegionSet
{
    /// <summary>No regions at all.</summary>
    public static readonly RegionSet Empty = new([], []);

    private RegionSet(ImmutableArray<InstanceRegion> instances, ImmutableArray<AddressRegion> ranges)
    {
        Instances = instances;
        Ranges = ranges;
    }

    /// <summary>
    /// Builds a region set without registering it (for <see cref="PolicyChecker"/>, <see cref="PolicyFormatter"/>,
    /// benchmarks and tools; the guard itself only uses <see cref="Regions.Current"/>).
    /// </summary>
    public static RegionSet Create(IEnumerable<InstanceRegion>? instances, IEnumerable<AddressRegion>? ranges) =>
        new([.. instances ?? []], [.. ranges ?? []]);

    /// <summary>The protected instances and array ranges, in registration order.</summary>
    public ImmutableArray<InstanceRegion> Instances { get; }

    /// <summary>The protected address ranges, in registration order.</summary>
    public ImmutableArray<AddressRegion> Ranges { get; }

    /// <summary>Every region name registered, instance or range.</summary>
    public IEnumerable<string> Names => Instances.Select(i => i.Name).Concat(Ranges.Select(r => r.Name)).Distinct(StringComparer.Ordinal);

    /// <summary>Whether any region is registered under <paramref name="name"/>.</summary>
    public bool Contains(string name) => Instances.Any(i => i.Name == name) || Ranges.Any(r => r.Name == name);

    internal RegionSet With(InstanceRegion region) => new(Instances.Add(region), Ranges);

    internal RegionSet With(AddressRegion region) => new(Instances, Ranges.Add(region));

    internal RegionSet Without(string name)
    {
        var instances = Instances.RemoveAll(i => i.Name == name);
        var ranges = Ranges.RemoveAll(r => r.Name == name);
        return instances.Length == Instances.Length && ranges.Length == Ranges.Length ? this : new RegionSet(instances, ranges);
    }

    internal RegionSet Without(object instance)
    {
        var instances = Instances.RemoveAll(i => ReferenceEquals(i.Instance, instance));
        return instances.Length == Instances.Length ? this : new RegionSet(instances, Ranges);
    }
}
