namespace GuardRuntime;

/// <summary>What a rule's pattern names.</summary>
public enum RuleSelector : byte
{
    /// <summary>All fields of the types in a namespace and its sub-namespaces (<c>Kernel</c>).</summary>
    Namespace = 1,
    /// <summary>All fields, static and instance, of one type (<c>Kernel.Credentials</c>).</summary>
    Type = 2,
    /// <summary>One field, static or instance (<c>Kernel.Credentials::Uid</c>).</summary>
    Field = 3,
    /// <summary>The instances, array ranges and address ranges registered under a name with <see cref="Regions"/>.</summary>
    Region = 4,
    /// <summary>Calls to a host method (<c>Kernel.Scheduler::SetCurrent</c>) or to every method of a type (<c>Kernel.Scheduler::*</c>).</summary>
    Call = 5,
}

/// <summary>One rule of a policy: a selector, its pattern and the action on a match.</summary>
/// <param name="Selector">What the pattern names.</param>
/// <param name="Pattern">The field, type, namespace, region or method the rule names.</param>
/// <param name="Action">What happens when a store (or call) matches.</param>
public sealed record PolicyRule(RuleSelector Selector, string Pattern, GuardAction Action)
{
    /// <summary>The line of the rule in its policy file (1-based), or 0 when it was built in code.</summary>
    public int Line { get; init; }

    /// <summary>The column of the rule in its policy file (1-based), or 0 when it was built in code.</summary>
    public int Column { get; init; }

    /// <summary>The section the rule belongs to (<c>default</c> or a module name); set by <see cref="Policy"/>.</summary>
    public string Section { get; init; } = "default";

    /// <summary>How violation reports name the rule: <c>rule 'deny field Kernel.Credentials::Uid' (policy.json:12)</c>.</summary>
    public override string ToString()
    {
        var text = $"rule '{Action.ToString().ToLowerInvariant()} {Selector.ToString().ToLowerInvariant()} {Pattern}' [{Section}]";
        return Line > 0 ? $"{text} (line {Line})" : text;
    }
}

/// <summary>The rules for the default section or for one module.</summary>
public sealed class PolicySection
{
    /// <summary>
    /// What happens to a store that no rule matches and that targets memory the module does not own (a field
    /// declared outside the module, or a call to a host method). Stores to the module's own fields are always
    /// allowed unless a rule names them.
    /// </summary>
    public GuardAction DefaultAction { get; init; } = GuardAction.Allow;

    /// <summary>The rules, in file order.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; init; } = [];
}

/// <summary>A module's own section of a policy.</summary>
public sealed class ModuleSection
{
    /// <summary>The module's assembly simple name.</summary>
    public required string Module { get; init; }

    /// <summary>When set, the section applies only to a module file with this SHA-256 (hex); any other file with that name is refused.</summary>
    public string? Sha256 { get; init; }

    /// <summary>The module's rules; they take precedence over the default section's rules of the same specificity.</summary>
    public required PolicySection Section { get; init; }

    /// <summary>The line of the section in its policy file, or 0.</summary>
    public int Line { get; init; }

    /// <summary>The column of the section in its policy file, or 0.</summary>
    public int Column { get; init; }
}

/// <summary>
/// A whole policy: a default section for every module and one section per named module.
/// Immutable; load a new one with <see cref="GuardPolicies.Install(Policy)"/> to change what modules may do.
/// </summary>
public sealed class Policy
{
    /// <summary>A policy that allows everything (what a module gets before any policy is installed).</summary>
    public static readonly Policy AllowAll = new();

    /// <summary>The rules every module gets.</summary>
    public PolicySection Default { get; init; } = new();

    /// <summary>The per-module sections.</summary>
    public IReadOnlyList<ModuleSection> Modules { get; init; } = [];

    /// <summary>Where the policy came from (a file path), for reports.</summary>
    public string? Source { get; init; }

    /// <summary>The section for a module named <paramref name="module"/>, if the policy has one.</summary>
    public ModuleSection? SectionFor(string module) => Modules.FirstOrDefault(m => m.Module == module);
}
