namespace GuardRuntime.Effects;

/// <summary>
/// One line of the effect model: a class for the framework members a selector matches. A selector is a type pattern
/// (exact, or a prefix ending in <c>*</c>, which covers a namespace and everything below it) and a member pattern (an
/// exact metadata name, a prefix ending in <c>*</c>, <c>*</c>, or a name with its full parameter list
/// <c>Name(System.Int32[],System.Int32)</c> in Cecil spelling without spaces, <c>!0</c>/<c>!!0</c> for generic parameters).
/// </summary>
/// <param name="Class">The effect class.</param>
/// <param name="TypePattern">The declaring type, reflection-style (<c>System.Span`1</c>), or a prefix with <c>*</c>.</param>
/// <param name="MemberPattern">The member name or prefix, with an optional exact parameter list.</param>
/// <param name="Extents">For <see cref="EffectClass.WritesArguments"/>: the destinations.</param>
/// <param name="Reason">For refusing classes: why, as the weaver's error says it.</param>
/// <param name="Line">The line of the model file.</param>
internal sealed record EffectRule(EffectClass Class, string TypePattern, string MemberPattern,
    IReadOnlyList<EffectExtent> Extents, string? Reason, int Line)
{
    /// <summary>
    /// Whether the reviewer vouched that the pointer parameters of the matched members are only read (loads, parsers);
    /// without it, a pattern rule does not vouch for pointers and the weaver refuses the member.
    /// </summary>
    public bool ReadsPointers { get; init; }

    /// <summary>The member name part (before any parameter list).</summary>
    public string NamePattern => MemberPattern.IndexOf('(') is var i and >= 0 ? MemberPattern[..i] : MemberPattern;

    /// <summary>The exact parameter list, or null when the rule covers every overload.</summary>
    public string? Parameters => MemberPattern.IndexOf('(') is var i and >= 0 ? MemberPattern[(i + 1)..^1] : null;

    /// <summary>Whether the rule names one overload by its full signature (a reviewed row).</summary>
    public bool IsExact => Parameters is { } p && !p.EndsWith('*') && !TypePattern.Contains('*');

    /// <summary>
    /// How specifically the rule names a member, 0 when it does not match: an exact signature beats an exact name,
    /// which beats a name prefix, which beats <c>*</c>; within that, an exact type beats a longer prefix beats a shorter.
    /// </summary>
    public int Score(string type, string member, string parameters)
    {
        int typeScore = Matches(type, TypePattern) ? (TypePattern.Contains('*') ? TypePattern.Length : 1000) : 0;
        if (typeScore == 0) return 0;
        var name = NamePattern;
        int memberScore;
        if (Parameters is { } p)
            memberScore = name == member && (p == parameters || p.EndsWith('*') && parameters.StartsWith(p[..^1], StringComparison.Ordinal)) ? 4 : 0;
        else if (name == "*") memberScore = 1;
        else if (name.EndsWith('*')) memberScore = member.StartsWith(name[..^1], StringComparison.Ordinal) ? 2 : 0;
        else memberScore = name == member ? 3 : 0;
        return memberScore == 0 ? 0 : memberScore * 10000 + typeScore;
    }

    // One '*' anywhere in a type pattern: a prefix and a suffix (System.Collections.*, System.*Exception).
    private static bool Matches(string value, string pattern)
    {
        var star = pattern.IndexOf('*');
        if (star < 0) return value == pattern;
        var prefix = pattern[..star];
        var suffix = pattern[(star + 1)..];
        return value.Length >= prefix.Length + suffix.Length && value.StartsWith(prefix, StringComparison.Ordinal)
               && value.EndsWith(suffix, StringComparison.Ordinal);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Class} {TypePattern}::{MemberPattern} (line {Line})";
}
