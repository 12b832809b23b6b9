using System.Collections.Immutable;
using Mono.Cecil;

namespace Weaver.Engine.Purity;

/// <summary>
/// Where a value may point: memory reachable from parameters (by index, <c>this</c> first), memory the method
/// allocated itself (<see cref="Fresh"/>), memory reachable from static fields, or memory of unknown origin. A scalar
/// points nowhere (<see cref="None"/>). Joins are unions; every write is judged by the provenance of its target.
/// </summary>
internal readonly record struct Provenance(ulong Parameters, bool Fresh, bool Unknown, ImmutableHashSet<FieldDefinition> Statics)
{
    /// <summary>A value that points nowhere (an integer, a null reference).</summary>
    public static readonly Provenance None = new(0, false, false, ImmutableHashSet<FieldDefinition>.Empty);

    /// <summary>Memory this call allocated (newobj, newarr, localloc, a local's own slot).</summary>
    public static readonly Provenance FreshOnly = None with { Fresh = true };

    /// <summary>Memory nothing is known about.</summary>
    public static readonly Provenance UnknownOnly = None with { Unknown = true };

    /// <summary>Memory reachable from parameter <paramref name="index"/> (more than 64 parameters: unknown).</summary>
    public static Provenance Parameter(int index) => index < 64 ? None with { Parameters = 1UL << index } : UnknownOnly;

    /// <summary>Memory reachable from a static field.</summary>
    public static Provenance Static(FieldDefinition field) => None with { Statics = [field] };

    /// <summary>Whether the value points nowhere.</summary>
    public bool IsNone => Parameters == 0 && !Fresh && !Unknown && Statics.IsEmpty;

    /// <summary>Whether every place the value may point was allocated by this call.</summary>
    public bool OnlyFresh => Parameters == 0 && !Unknown && Statics.IsEmpty;

    /// <summary>The union of two provenances.</summary>
    public Provenance Join(Provenance other) =>
        new(Parameters | other.Parameters, Fresh || other.Fresh, Unknown || other.Unknown, Statics.Union(other.Statics));

    /// <summary>The same places without the fresh part.</summary>
    public Provenance WithoutFresh => this with { Fresh = false };

    /// <summary>Structural equality (the record's default compares the set by reference).</summary>
    public bool SameAs(Provenance other) =>
        Parameters == other.Parameters && Fresh == other.Fresh && Unknown == other.Unknown && Statics.SetEquals(other.Statics);
}

/// <summary>One slot of the abstract evaluation stack: where it points, and its static type when known.</summary>
internal readonly record struct AbstractValue(Provenance Points, TypeReference? Type, bool IsNull = false)
{
    public static readonly AbstractValue Scalar = new(Provenance.None, null);
}
