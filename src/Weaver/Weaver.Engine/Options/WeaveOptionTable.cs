namespace Weaver.Engine.Options;

/// <summary>
/// Every option of a weave, once. <c>weaver weave</c> declares its options from this table and the MSBuild task has
/// one parameter per row (a test enumerates both); <see cref="WeaveOptionBinder"/> turns the values either front end
/// received into the same <see cref="Pipeline.WeaveOptions"/>. Only where the front ends genuinely differ is there no
/// row: the input and <c>-o</c> (MSBuild weaves <c>@(IntermediateAssembly)</c> in place) and <c>-q</c> (MSBuild has
/// its verbosity).
/// </summary>
public static class WeaveOptionTable
{
    /// <summary>Which stores get guards.</summary>
    public static readonly WeaveOptionSpec Guards = new("guards", "--guards", null, "WeaverGuards", "Guards",
        WeaveOptionKind.Text, "all", "Which stores to guard: all, none, or a comma list of fields, statics, arrays, indirect.");

    /// <summary>Folders searched for referenced assemblies.</summary>
    public static readonly WeaveOptionSpec References = new("references", "--reference", "-r", "WeaverReferencePaths", "ReferencePaths",
        WeaveOptionKind.List, null,
        "A folder to search for referenced assemblies (repeatable). MSBuild always searches the folders of @(ReferencePath) too.");

    /// <summary>Methods to memoize besides <c>[Memoize]</c> ones.</summary>
    public static readonly WeaveOptionSpec Memoize = new("memoize", "--memoize", null, "WeaverMemoize", "Memoize",
        WeaveOptionKind.List, null,
        "Memoize a method besides those marked [Memoize]: Namespace.Type::Method (repeatable), or 'auto' for the top " +
        "candidates of the purity analysis and cost estimate ('weaver suggest'), each still behind determinism learning.");

    /// <summary>With <c>auto</c> memoization: the profile of an earlier run.</summary>
    public static readonly WeaveOptionSpec MemoizeProfile = new("memoize-profile", "--memoize-profile", null, "WeaverMemoizeProfile",
        "MemoizeProfile", WeaveOptionKind.Text, null,
        "With --memoize auto: a KCR profile of an earlier run (weaver stats --profile-out, or KcrProfile.Save in a host); " +
        "tables that did not pay are left out and observed repeat rates rank the rest.");

    /// <summary>APIs a trusted module may keep unchecked.</summary>
    public static readonly WeaveOptionSpec AllowUnchecked = new("allow-unchecked", "--allow-unchecked", null, "WeaverAllowUnchecked",
        "AllowUnchecked", WeaveOptionKind.List, null,
        "Keep an API no guard can check (as a refusal names it: Type::Method, a prefix ending in *, or *) in a trusted " +
        "module (repeatable). Refused by default; never for a module you did not write.");

    /// <summary>The input is a trusted host assembly.</summary>
    public static readonly WeaveOptionSpec TrustedHost = new("trusted-host", "--trusted-host", null, "WeaverTrustedHost", "TrustedHost",
        WeaveOptionKind.Bool, "false",
        "The input is a trusted host assembly that may use the runtimes' control API (policies, regions, memo tables). " +
        "Never for a module you did not write.");

    /// <summary>A guard policy validated before weaving.</summary>
    public static readonly WeaveOptionSpec Policy = new("policy", "--policy", null, "WeaverPolicy", "Policy",
        WeaveOptionKind.Text, null,
        "A guard policy file to validate before weaving (every error with its line and column); MSBuild also copies it to the output.");

    /// <summary>Where to write the JSON report.</summary>
    public static readonly WeaveOptionSpec Report = new("report", "--report", null, "WeaverReport", "Report",
        WeaveOptionKind.Text, null, "Write a JSON report of what was instrumented to this file.");

    /// <summary>A strong-name key to re-sign with.</summary>
    public static readonly WeaveOptionSpec KeyFile = new("key", "--key", null, "WeaverKeyFile", "KeyFile",
        WeaveOptionKind.Text, null,
        "A strong-name key file (.snk) to re-sign a strong-named input with (MSBuild: defaults to AssemblyOriginatorKeyFile when signing).");

    /// <summary>Whether symbols are read and rewritten.</summary>
    public static readonly WeaveOptionSpec Symbols = new("symbols", "--symbols", null, "WeaverSymbols", "Symbols",
        WeaveOptionKind.Bool, "true", "Read and rewrite the input's PDB when it has one (false: write the assembly without symbols).");

    /// <summary>Whether the output is checked by the host's load-time verifier before it is written.</summary>
    public static readonly WeaveOptionSpec Verify = new("verify", "--verify", null, "WeaverVerify", "Verify",
        WeaveOptionKind.Bool, "true",
        "Run the host's load-time guard verifier on the woven module before it is written, so a weave never yields a " +
        "module the host refuses (with --guards all and no --allow-unchecked, for modules; false skips it).");

    /// <summary>Every row, in the order <c>--help</c> lists them.</summary>
    public static IReadOnlyList<WeaveOptionSpec> All { get; } =
        [Guards, References, Memoize, MemoizeProfile, AllowUnchecked, TrustedHost, Policy, Report, KeyFile, Symbols, Verify];
}
