using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Options;
using Weaver.Engine.Pipeline;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace Weaver.MSBuild;

/// <summary>
/// Weaves one compiled assembly in place (normally <c>@(IntermediateAssembly)</c> in obj/, before it is copied to
/// bin/). Its parameters are the rows of <see cref="WeaveOptionTable"/>, bound by the same
/// <see cref="WeaveOptionBinder"/> as the CLI (which validates the policy), then it runs the same
/// <see cref="WeavePipeline"/> (whose last step has the host's verifier check the woven module before it is moved into
/// place), and logs every diagnostic as a real MSBuild error, warning or message with its WVRxxxx code, file, line and
/// column.
/// </summary>
/// <remarks>
/// The engine writes to a temporary file and moves it over the input only when the assembly and its PDB are both
/// complete, so a failed weave leaves the compiler's output untouched; the targets then write no stamp, and the next
/// build tries again. A second weave of a woven file is a no-op (WVR0100, a message).
/// </remarks>
public sealed class WeaveTask : MSBuildTask
{
    /// <summary>The assembly to weave in place; its PDB beside it is rewritten too.</summary>
    [Required]
    public ITaskItem Assembly { get; set; } = null!;

    /// <summary>The project's resolved references (<c>@(ReferencePath)</c>); their folders are searched, nothing else.</summary>
    public ITaskItem[] References { get; set; } = [];

    // One parameter per row of WeaveOptionTable (WeaveOptionTableTests checks it): the CLI has the same options and
    // both are bound by WeaveOptionBinder.

    /// <summary><c>WeaverGuards</c>: <c>all</c>, <c>none</c>, or a comma (or semicolon) list of <c>fields</c>, <c>statics</c>, <c>arrays</c>, <c>indirect</c>.</summary>
    public string? Guards { get; set; }

    /// <summary><c>WeaverReferencePaths</c>: folders searched for references besides those of <see cref="References"/>.</summary>
    public string[] ReferencePaths { get; set; } = [];

    /// <summary><c>WeaverMemoize</c>: methods to memoize besides those marked <c>[Memoize]</c>, as <c>Namespace.Type::Method</c>.</summary>
    public string[] Memoize { get; set; } = [];

    /// <summary><c>WeaverMemoizeProfile</c>: with <c>auto</c> memoization, a KCR profile of an earlier run, or empty.</summary>
    public string? MemoizeProfile { get; set; }

    /// <summary><c>WeaverAllowUnchecked</c>: APIs a trusted module may keep although no guard can check them.</summary>
    public string[] AllowUnchecked { get; set; } = [];

    /// <summary>
    /// <c>WeaverTrustedHost</c>: whether the project is a trusted host assembly that may use the runtimes' control
    /// API. Set by whoever builds it; a module cannot claim it.
    /// </summary>
    public bool TrustedHost { get; set; }

    /// <summary><c>WeaverPolicy</c>: a guard policy file to validate before weaving, or empty.</summary>
    public string? Policy { get; set; }

    /// <summary><c>WeaverReport</c>: where to write the JSON weave report, or empty.</summary>
    public string? Report { get; set; }

    /// <summary><c>WeaverKeyFile</c> (else the project's signing key): a strong-name key to re-sign with, or empty.</summary>
    public string? KeyFile { get; set; }

    /// <summary><c>WeaverSymbols</c>: whether the PDB is read and rewritten (default true).</summary>
    public string? Symbols { get; set; }

    /// <summary><c>WeaverVerify</c>: whether the host's verifier checks the woven module before it replaces the input (default true).</summary>
    public string? Verify { get; set; }

    /// <summary>Whether the assembly was rewritten (false when it was already woven).</summary>
    [Output]
    public bool Woven { get; private set; }

    /// <inheritdoc/>
    public override bool Execute()
    {
        try
        {
            var input = Assembly.GetMetadata("FullPath") is { Length: > 0 } full ? full : Path.GetFullPath(Assembly.ItemSpec);
            var diagnostics = new List<WeaverDiagnostic>();
            var options = WeaveOptionBinder.Bind(input, input, Values, WeaveOptionBinder.FrontEnd.MSBuild, diagnostics);
            foreach (var diagnostic in diagnostics) LogDiagnostic(diagnostic);
            if (options is null) return false;
            // References come from @(ReferencePath) (never from bin/ or a resolver's probing), so the weave sees
            // exactly what the compiler saw, plus any folder the project names itself.
            options = options with { ReferencePaths = [.. ReferenceDirectories(), .. options.ReferencePaths] };
            if (options.ReportPath is { } reportPath) Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);

            var result = new WeavePipeline().Run(options);
            foreach (var diagnostic in result.Diagnostics) LogDiagnostic(diagnostic);
            if (!result.Succeeded && !Log.HasLoggedErrors)
                Log.LogError(null, DiagnosticCodes.OutputFailed, null, input, 0, 0, 0, 0, "Weaving failed.");
            Woven = result.Succeeded && !result.Report.AlreadyWoven;
            return result.Succeeded && !Log.HasLoggedErrors;
        }
        catch (Exception e)
        {
            // An engine bug must fail the build with a readable error, not an MSBuild crash report (MSB4018).
            Log.LogError(null, DiagnosticCodes.InternalError, null, Assembly?.ItemSpec, 0, 0, 0, 0,
                $"The weaver failed unexpectedly; the assembly was left as the compiler wrote it. {e.GetType().Name}: {e.Message}");
            Log.LogMessage(MessageImportance.Low, e.ToString());
            return false;
        }
    }

    // The task parameter a row of the table names, as the values MSBuild passed (none when it is empty).
    private IReadOnlyList<string> Values(WeaveOptionSpec spec)
    {
        var property = typeof(WeaveTask).GetProperty(spec.TaskParameter)
                       ?? throw new InvalidOperationException($"WeaveTask has no parameter {spec.TaskParameter} for option {spec.Name}.");
        return property.GetValue(this) switch
        {
            string[] list => list,
            string text when text.Length > 0 => [text],
            bool flag => [flag ? "true" : "false"],
            _ => [],
        };
    }

    /// <summary>Parses <c>WeaverGuards</c>; empty means all.</summary>
    public static bool TryParseGuards(string? text, out GuardKinds kinds, out string? bad) => GuardKindsParser.TryParse(text, out kinds, out bad);

    // References come from @(ReferencePath) only (never from bin/ or the GAC-like probing of a resolver), so the
    // weave sees exactly what the compiler saw.
    private string[] ReferenceDirectories() =>
        References
            .Select(r => r.GetMetadata("FullPath") is { Length: > 0 } p ? p : Path.GetFullPath(r.ItemSpec))
            .Select(Path.GetDirectoryName)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToArray();

    private void LogDiagnostic(WeaverDiagnostic d)
    {
        switch (d.Severity)
        {
            case DiagnosticSeverity.Error:
                Log.LogError(null, d.Code, null, d.File, d.Line, d.Column, 0, 0, d.Message);
                break;
            case DiagnosticSeverity.Warning:
                Log.LogWarning(null, d.Code, null, d.File, d.Line, d.Column, 0, 0, d.Message);
                break;
            default:
                // Normal importance: shown by -v:n and in binlogs, silent in the default minimal console output.
                Log.LogMessage(null, d.Code, null, d.File, d.Line, d.Column, 0, 0, MessageImportance.Normal, d.Message);
                break;
        }
    }
}
