namespace GuardRuntime;

/// <summary>A compiled decision: the action, the rule it came from and the region it protects, if any.</summary>
/// <param name="Action">What to do on a match.</param>
/// <param name="Rule">The rule that decided, or null when the section's default action decided.</param>
/// <param name="Region">The region the rule names, for region rules.</param>
public sealed record Verdict(GuardAction Action, PolicyRule? Rule, string? Region)
{
    /// <summary>How reports name where the verdict came from.</summary>
    public string Describe(string module) => Rule?.ToString() ?? Reason ?? $"the default action of module '{module}'";

    /// <summary>Why a verdict that no rule made was made (the immutability of shared objects), or null.</summary>
    public string? Reason { get; init; }
}
