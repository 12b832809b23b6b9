namespace GuardRuntime;

/// <summary>Thrown into a module at a store (or call) that its policy does not allow.</summary>
public class GuardViolationException : Exception
{
    /// <summary>Creates the exception for <paramref name="violation"/>.</summary>
    public GuardViolationException(GuardViolation violation) : base(violation.ToString()) => Violation = violation;

    /// <summary>What was attempted, where, and which rule refused it.</summary>
    public GuardViolation Violation { get; }
}

/// <summary>Thrown when a quarantined module stores or is entered again.</summary>
public sealed class ModuleQuarantinedException : GuardViolationException
{
    /// <summary>Creates the exception for a module quarantined by <paramref name="violation"/>.</summary>
    public ModuleQuarantinedException(GuardViolation violation) : base(violation) { }
}

/// <summary>One refused or audited store (or call) of a woven module.</summary>
/// <param name="Module">The module's name: the one its host bound it to, else its assembly name.</param>
/// <param name="Site">Where the store is: method, IL offset and source line when symbols exist.</param>
/// <param name="Target">What the store writes.</param>
/// <param name="Region">The protected region that was hit, if the verdict came from a region rule.</param>
/// <param name="Rule">The rule that decided, as written in the policy (with its line when it came from a file).</param>
/// <param name="Action">What the runtime did.</param>
/// <param name="Detail">Extra facts: the element index, the address and length, or why a quarantined module was refused.</param>
public sealed record GuardViolation(
    string Module, GuardSite Site, GuardTarget Target, string? Region, string Rule, GuardAction Action, string? Detail)
{
    /// <summary>The time the violation was recorded.</summary>
    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>A one-line report naming module, target, region, rule, site and action.</summary>
    public override string ToString()
    {
        var what = Target.Kind switch
        {
            TargetKind.Call => $"called {Target.Name}",
            TargetKind.Address => "wrote through a pointer",
            TargetKind.Object => "passed an object a framework call may write",
            TargetKind.ArrayElement => $"wrote an element of a {Target.Name}[]",
            _ => $"wrote {Target.Name}",
        };
        var region = Region is null ? "" : $" in region '{Region}'";
        var detail = Detail is null ? "" : $" [{Detail}]";
        return $"Module '{Module}' {what}{region}{detail}, denied by {Rule} ({Action.ToString().ToLowerInvariant()}), at {Site}";
    }
}
