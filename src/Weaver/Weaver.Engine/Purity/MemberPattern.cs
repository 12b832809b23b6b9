namespace Weaver.Engine.Purity;

/// <summary>
/// A row of a framework table: a type (exact, or a prefix ending in <c>*</c>) and a member (exact, a prefix ending in
/// <c>*</c>, or <c>*</c>), optionally restricted to overloads whose parameter list starts with a given text.
/// </summary>
internal sealed record MemberPattern(string Type, string Member, string? Reason = null, string? ParametersPrefix = null)
{
    public bool Matches(string type, string member, string parameters) =>
        Like(type, Type) && Like(member, Member)
        && (ParametersPrefix is null || parameters.StartsWith(ParametersPrefix, StringComparison.Ordinal));

    // One '*' anywhere: a prefix and a suffix (System.Collections.*, System.*Exception).
    private static bool Like(string value, string pattern)
    {
        var star = pattern.IndexOf('*');
        if (star < 0) return value == pattern;
        var prefix = pattern[..star];
        var suffix = pattern[(star + 1)..];
        return value.Length >= prefix.Length + suffix.Length && value.StartsWith(prefix, StringComparison.Ordinal)
               && value.EndsWith(suffix, StringComparison.Ordinal);
    }
}
