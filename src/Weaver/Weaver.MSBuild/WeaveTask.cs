using GuardRuntime;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Pipeline;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace Weaver.MSBuild;

/// <summary>
/// Weaves one compiled assembly in place (normally <c>@(IntermediateAssembly)</c> in obj/, before it is copied to
/// bin/). Validates the guard policy first, then runs the same <see cref="WeavePipeline"/> as the CLI, and logs every
/// diagnostic as a real MSBuild error, warning or message with its WVRxxxx code, file, line and column.
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

    /// <summary><c>all</c>, <c>none</c>, or a comma (or semicolon) list of <c>fields</c>, <c>statics</c>, <c>arrays</c>, <c>indirect</c>.</summary>
    public string? Guards { get; set; }

    /// <summary>Methods to memoize besides those marked <c>[Memoize]</c>, as <c>Namespace.Type::Method</c>.</summary>
    public string[] Memoize { get; set; } = [];

    /// <summary>A guard policy file to validate before weaving, or empty.</summary>
    public string? Policy { get; set; }

    /// <summary>Where to write the JSON weave report, or empty.</summary>
    public string? Report { get; set; }

    /// <summary>A strong-name key file to re-sign a strong-named assembly with, or empty.</summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// Whether the project is a trusted host assembly that may use the runtimes' control API (<c>WeaverTrustedHost</c>).
    /// Set by whoever builds it; a module cannot claim it.
    /// </summary>
    public bool TrustedHost { get; set; }

    /// <summary>Whether the assembly was rewritten (false when it was already woven).</summary>
    [Output]
    public bool Woven { get; private set; }

    /// <inheritdoc/>
    public override bool Execute()
    {
        try
        {
            if (!TryParseGuards(Guards, out var kinds, out var bad))
            {
                Log.LogError(null, DiagnosticCodes.BadOption, null, null, 0, 0, 0, 0,
                    $"WeaverGuards: unknown kind '{bad}' (use all, none, or a comma list of fields, statics, arrays, indirect).");
                return false;
            }
            if (!string.IsNullOrWhiteSpace(Policy) && !ValidatePolicy(Policy)) return false;

            var input = Assembly.GetMetadata("FullPath") is { Length: > 0 } full ? full : Path.GetFullPath(Assembly.ItemSpec);
            var options = new WeaveOptions
            {
                InputPath = input,
                OutputPath = input,
                Guards = kinds,
                ReferencePaths = ReferenceDirectories(),
                Memoize = Memoize.Select(m => m.Trim()).Where(m => m.Length > 0).ToArray(),
                ReportPath = string.IsNullOrWhiteSpace(Report) ? null : Path.GetFullPath(Report),
                KeyFile = string.IsNullOrWhiteSpace(KeyFile) ? null : Path.GetFullPath(KeyFile),
                TrustedHost = TrustedHost,
            };
            if (options.ReportPath is { } reportPath) Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);

            var result = new WeavePipeline().Run(options);
            foreach (var diagnostic in result.Diagnostics) LogDiagnostic(diagnostic);
            if (!result.Succeeded && !Log.HasLoggedErrors)
                Log.LogError(null, DiagnosticCodes.OutputFailed, null, input, 0, 0, 0, 0, "Weaving failed.");
            Woven = result.Succeeded && !result.Report.AlreadyWoven;
            if (Woven && kinds == GuardKinds.All && !TrustedHost) VerifyOutput(input);
            return result.Succeeded && !Log.HasLoggedErrors;
        }
        catch (Exception e)
        {
            // An engine bug must fail the build with a readable error, not an MSBuild crash report (MSB4018).
            Log.LogError(null, DiagnosticCodes.BadMethodBody, null, Assembly?.ItemSpec, 0, 0, 0, 0,
                $"The weaver failed unexpectedly; the assembly was left as the compiler wrote it. {e.GetType().Name}: {e.Message}");
            Log.LogMessage(MessageImportance.Low, e.ToString());
            return false;
        }
    }

    // The host's load-time verifier runs on what the build produced, so a build never yields a module the host refuses.
    private void VerifyOutput(string path)
    {
        var verdict = GuardRuntime.Verification.ModuleVerifier.Default.Verify(path);
        foreach (var error in verdict.Errors)
            Log.LogError(null, DiagnosticCodes.GuardVerifierRejected, null, path, 0, 0, 0, 0, error.ToString());
        if (verdict.Accepted)
            Log.LogMessage(MessageImportance.Normal, $"{verdict.Module}: accepted by the guard verifier ({verdict.Methods} methods, sha256 {verdict.Sha256}).");
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

    // The policy is parsed with the runtime's own parser, so a policy that builds is a policy that loads.
    private bool ValidatePolicy(string policy)
    {
        var path = Path.GetFullPath(policy);
        if (!File.Exists(path))
        {
            Log.LogError(null, PolicyCodes.Unreadable, null, policy, 0, 0, 0, 0, $"The policy file '{path}' (WeaverPolicy) does not exist.");
            return false;
        }
        var result = PolicyFile.ReadFile(path);
        foreach (var d in result.Diagnostics)
        {
            var file = d.File ?? path;
            switch (d.Severity)
            {
                case PolicySeverity.Error:
                    Log.LogError(null, d.Code, null, file, d.Line, d.Column, 0, 0, d.Message);
                    break;
                case PolicySeverity.Warning:
                    Log.LogWarning(null, d.Code, null, file, d.Line, d.Column, 0, 0, d.Message);
                    break;
                default:
                    Log.LogMessage(null, d.Code, null, file, d.Line, d.Column, 0, 0, MessageImportance.Normal, d.Message);
                    break;
            }
        }
        return !result.HasErrors;
    }

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
