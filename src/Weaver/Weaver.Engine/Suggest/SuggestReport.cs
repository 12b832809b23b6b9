using System.Text.Json;
using System.Text.Json.Serialization;

namespace Weaver.Engine.Suggest;

/// <summary>A method that is safe to memoize, with what memoizing it is expected to save.</summary>
/// <param name="Method">The table name, <c>Ns.Type::Method(System.Byte[])</c>.</param>
/// <param name="ArgumentKinds">The parameter types the key is built from, in order.</param>
/// <param name="Cost">The cost estimate.</param>
/// <param name="RepeatRate">The hit rate the profile observed, or null without a profile entry.</param>
/// <param name="ExpectedSavingPerCall">Saving per call at the observed repeat rate (per hit without one).</param>
/// <param name="ProfilePaid">Whether the profile says the table paid, or null without a profile entry.</param>
/// <param name="Annotated">Whether the method already carries <c>[Memoize]</c> (a person's pick).</param>
public sealed record SuggestedMethod(string Method, IReadOnlyList<string> ArgumentKinds, CostEstimate Cost, double? RepeatRate,
    double ExpectedSavingPerCall, bool? ProfilePaid, bool Annotated)
{
    /// <summary>Whether <c>--memoize auto</c> would weave it (it is among the top candidates).</summary>
    public bool Selected { get; init; }

    /// <summary>
    /// A candidate that every call of this one goes through, or null: memoizing the caller already reuses this work,
    /// so <c>--memoize auto</c> weaves only the caller (a second table inside the first would only cost).
    /// </summary>
    public string? CoveredBy { get; init; }

    /// <summary>The <c>Ns.Type::Method</c> part of <see cref="Method"/>.</summary>
    [JsonIgnore]
    public string ShortName => Method.IndexOf('(') is var i and > 0 ? Method[..i] : Method;
}

/// <summary>A method that is not suggested, and the first reason.</summary>
/// <param name="Method">The table name.</param>
/// <param name="Reason">Why: a rule of the key builder, an effect the purity analysis found, the cost, or the profile.</param>
/// <param name="Category">A short class of the reason, for the summary (<c>impure</c>, <c>shape</c>, <c>cost</c>, <c>profile</c>).</param>
/// <param name="Annotated">Whether the method carries <c>[Memoize]</c> (a person picked what the analysis rejects).</param>
public sealed record RejectedMethod(string Method, string Reason, string Category, bool Annotated);

/// <summary>What <c>weaver suggest</c> found in one assembly.</summary>
/// <param name="Assembly">The assembly's path.</param>
/// <param name="MethodsAnalysed">Methods with bodies the analysis summarised.</param>
/// <param name="Suggested">Safe candidates, best first.</param>
/// <param name="Rejected">Every other method considered, with its reason.</param>
/// <param name="Profile">The profile consulted, or null.</param>
public sealed record SuggestReport(string Assembly, int MethodsAnalysed, IReadOnlyList<SuggestedMethod> Suggested,
    IReadOnlyList<RejectedMethod> Rejected, string? Profile)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The report as JSON (camelCase, nulls omitted).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);
}
