namespace GuardRuntime;

/// <summary>How serious a <see cref="PolicyDiagnostic"/> is.</summary>
public enum PolicySeverity : byte
{
    /// <summary>The policy is wrong and is not loaded.</summary>
    Error = 0,
    /// <summary>The policy loads, but probably does not say what its author meant.</summary>
    Warning = 1,
    /// <summary>A remark.</summary>
    Info = 2,
}

/// <summary>
/// One problem found in a policy file, with the place it was found. <see cref="ToString"/> formats it the way MSBuild
/// and editors parse diagnostics: <c>policy.json(12,7): error WVR2003: ...</c>.
/// </summary>
/// <param name="Code">The diagnostic code (<c>WVR2xxx</c>, listed in docs/policy.md).</param>
/// <param name="Severity">Error, warning or info.</param>
/// <param name="Message">What is wrong, in one sentence.</param>
/// <param name="File">The policy file, or null when the policy was parsed from a string without a path.</param>
/// <param name="Line">The 1-based line, or 0 when the diagnostic concerns the whole file.</param>
/// <param name="Column">The 1-based column (in characters), or 0.</param>
public sealed record PolicyDiagnostic(string Code, PolicySeverity Severity, string Message, string? File, int Line, int Column)
{
    /// <summary>The MSBuild-style one-line form.</summary>
    public override string ToString()
    {
        var file = File ?? "policy";
        var where = Line > 0 ? $"{file}({Line},{Math.Max(Column, 1)})" : file;
        return $"{where}: {Severity.ToString().ToLowerInvariant()} {Code}: {Message}";
    }
}

/// <summary>Thrown when a policy cannot be loaded; carries every problem found, errors and warnings.</summary>
public sealed class PolicyException : Exception
{
    /// <summary>Creates the exception for <paramref name="diagnostics"/> (at least one should be an error).</summary>
    public PolicyException(IReadOnlyList<PolicyDiagnostic> diagnostics)
        : base(diagnostics.Count == 0 ? "The policy is invalid." : string.Join(Environment.NewLine, diagnostics))
        => Diagnostics = diagnostics;

    /// <summary>Every problem found, in file order.</summary>
    public IReadOnlyList<PolicyDiagnostic> Diagnostics { get; }
}

/// <summary>The diagnostic codes of policy files (see docs/policy.md).</summary>
public static class PolicyCodes
{
    /// <summary>The file is not well-formed JSON (with comments and trailing commas allowed).</summary>
    public const string MalformedJson = "WVR2001";
    /// <summary>An object has a key the format does not define.</summary>
    public const string UnknownKey = "WVR2002";
    /// <summary>A value has the wrong JSON type (an object, array or string was expected).</summary>
    public const string WrongType = "WVR2003";
    /// <summary>A rule names none of <c>field</c>, <c>type</c>, <c>namespace</c>, <c>region</c>, <c>call</c>.</summary>
    public const string NoSelector = "WVR2004";
    /// <summary>A rule names more than one selector.</summary>
    public const string TwoSelectors = "WVR2005";
    /// <summary>An action is not one of <c>allow audit throw quarantine halt</c>.</summary>
    public const string UnknownAction = "WVR2006";
    /// <summary>A required key is missing (a rule's <c>action</c>, a module section's <c>module</c>).</summary>
    public const string MissingKey = "WVR2007";
    /// <summary>A pattern is malformed for its selector (a field without <c>::</c>, an empty name, ...).</summary>
    public const string BadPattern = "WVR2008";
    /// <summary>Two module sections name the same module.</summary>
    public const string DuplicateModule = "WVR2009";
    /// <summary>Two rules of one section have the same selector and pattern but different actions.</summary>
    public const string ContradictoryRules = "WVR2010";
    /// <summary>Two rules of one section are identical (warning).</summary>
    public const string DuplicateRule = "WVR2011";
    /// <summary>A <c>sha256</c> pin is not 64 hexadecimal digits.</summary>
    public const string BadSha256 = "WVR2012";
    /// <summary>An object has the same key twice.</summary>
    public const string DuplicateKey = "WVR2013";
    /// <summary>The <c>version</c> is not one this runtime reads.</summary>
    public const string UnsupportedVersion = "WVR2014";
    /// <summary>The policy file cannot be read.</summary>
    public const string Unreadable = "WVR2015";
    /// <summary>A rule names a type, field, method or namespace that no module writes or calls and no known assembly defines (warning).</summary>
    public const string UnknownMember = "WVR2101";
    /// <summary>A region rule names a region that is not registered.</summary>
    public const string UnknownRegion = "WVR2102";
    /// <summary>A region rule cannot be verified because no region set was given (warning).</summary>
    public const string UncheckedRegion = "WVR2103";
    /// <summary>A module section names a module that was not given to the check (warning).</summary>
    public const string UnknownModule = "WVR2104";
    /// <summary>A module section's <c>sha256</c> pin does not match the module file given to the check.</summary>
    public const string PinMismatch = "WVR2105";
    /// <summary>A module file given to the check cannot be read or carries no guard manifest.</summary>
    public const string BadModule = "WVR2106";
}
