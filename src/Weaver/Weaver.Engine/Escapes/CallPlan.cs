using GuardRuntime.Effects;

namespace Weaver.Engine.Escapes;

/// <summary>How one call to a framework member is treated, from the effect model and the member's signature.</summary>
/// <param name="Rule">The model's rule, or null when the member is unclassified.</param>
/// <param name="Refusal">Why the call is refused at weave time, or null.</param>
/// <param name="Writes">Destinations checked before the call, with their extents.</param>
/// <param name="Byrefs">Writable <c>ref</c>/<c>out</c> parameters, checked by address with <c>sizeof</c> their element.</param>
/// <param name="Spans"><c>Span&lt;T&gt;</c> and <c>Memory&lt;T&gt;</c> parameters, checked over their whole extent.</param>
/// <param name="Objects">Parameters (<see cref="EffectExtent.This"/>: the receiver) checked as whole-object writes.</param>
/// <param name="ReceiverStruct">Whether the value-type receiver is checked as a write of the whole struct.</param>
internal sealed record CallPlan(EffectRule? Rule, string? Refusal, IReadOnlyList<EffectExtent> Writes, IReadOnlyList<int> Byrefs,
    IReadOnlyList<int> Spans, IReadOnlyList<int> Objects, bool ReceiverStruct)
{
    /// <summary>Whether the call needs any check at all.</summary>
    public bool Any => Writes.Count > 0 || Byrefs.Count > 0 || Spans.Count > 0 || Objects.Count > 0 || ReceiverStruct;

    /// <summary>How the coverage test and reports name the treatment.</summary>
    public string Treatment => Refusal is not null ? "refused"
        : Rule is null ? "conservative"
        : Rule.IsExact ? "exact:" + Rule.Class
        : "pattern:" + Rule.Class;
}
