using System.Collections.Immutable;
using Mono.Cecil;

namespace Weaver.Engine.Purity;

/// <summary>
/// What a module method does, as its callers see it: whether it has an effect no caller can excuse (the first one
/// found, with its IL offset), which of its parameters it writes through, where its result may point, what it may
/// store inside the memory it allocates, and which static fields it reads.
/// </summary>
/// <remarks>
/// Writes through a parameter are not an impurity of the callee: a caller that passes memory it allocated itself may
/// let them happen. Everything else (a static written, the clock read, an unknown framework member, a virtual call)
/// is <see cref="Impurity"/>, and every caller inherits it with the callee's name in front.
/// </remarks>
internal sealed record MethodSummary
{
    /// <summary>The first effect that makes the method impure, or null.</summary>
    public string? Impurity { get; init; }

    /// <summary>Parameters (by index, <c>this</c> first) whose reachable memory the method may write.</summary>
    public ulong WritesParameters { get; init; }

    /// <summary>Where the returned value may point.</summary>
    public Provenance Returns { get; init; } = Provenance.None;

    /// <summary>What may be stored inside memory the method allocated (and may return).</summary>
    public Provenance FreshContents { get; init; } = Provenance.None;

    /// <summary>Mutable static fields the method reads (directly or through callees).</summary>
    public ImmutableHashSet<FieldDefinition> ReadsMutableStatics { get; init; } = [];

    /// <summary>Read-only static fields of the module the method reads: their contents must not change after initialisation.</summary>
    public ImmutableHashSet<FieldDefinition> ReadsStaticContents { get; init; } = [];

    /// <summary>Static fields whose reachable memory the method writes, or lets escape where it cannot be followed.</summary>
    public ImmutableHashSet<FieldDefinition> LeaksStatics { get; init; } = [];

    /// <summary>Instructions analysed (with callees' bodies), a coarse size for the cost estimate.</summary>
    public int Instructions { get; init; }

    /// <summary>Whether the method (or a callee) has a backward branch: a loop or recursion.</summary>
    public bool Loops { get; init; }

    /// <summary>The optimistic start of the fixpoint: no effect at all.</summary>
    public static readonly MethodSummary Bottom = new();

    /// <summary>Whether two summaries say the same (the fixpoint's convergence test).</summary>
    public bool SameAs(MethodSummary other) =>
        Impurity == other.Impurity && WritesParameters == other.WritesParameters && Returns.SameAs(other.Returns)
        && FreshContents.SameAs(other.FreshContents) && ReadsMutableStatics.SetEquals(other.ReadsMutableStatics)
        && LeaksStatics.SetEquals(other.LeaksStatics) && ReadsStaticContents.SetEquals(other.ReadsStaticContents) && Loops == other.Loops;
}
