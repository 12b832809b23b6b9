namespace Weaver.Engine.Diagnostics;

/// <summary>How serious a diagnostic is, in MSBuild's terms.</summary>
public enum DiagnosticSeverity
{
    /// <summary>Information: the weave went ahead (or had nothing to do).</summary>
    Message,
    /// <summary>Something the user should look at; the weave went ahead.</summary>
    Warning,
    /// <summary>The weave failed and nothing was written.</summary>
    Error,
}

/// <summary>
/// One diagnostic, printed the way MSBuild prints them so that IDEs and CI pick them up:
/// <c>File.cs(12,5): error WVR0003: message</c> or <c>input.dll: error WVR0002: message</c>.
/// </summary>
public sealed record WeaverDiagnostic(string Code, DiagnosticSeverity Severity, string Message, string? File = null, int Line = 0, int Column = 0)
{
    /// <summary>
    /// For a refusal (or an allowed unchecked use): the API or construct refused, as <c>--allow-unchecked</c> names it
    /// (<c>System.Type::MakeGenericType</c>, <c>calli</c>, a host method). Refusals are grouped by it in the summary.
    /// </summary>
    public string? Api { get; init; }

    /// <summary>For a diagnostic about a site: the method it is in (<c>Ns.Type::Method</c>), or null.</summary>
    public string? Method { get; init; }

    /// <summary>For a diagnostic about a site: the IL offset in <see cref="Method"/>, or -1.</summary>
    public int ILOffset { get; init; } = -1;

    /// <summary>The MSBuild-style one-line form.</summary>
    public override string ToString()
    {
        var origin = File is null ? "weaver" : Line > 0 ? $"{File}({Line},{Math.Max(Column, 1)})" : File;
        var severity = Severity switch { DiagnosticSeverity.Error => "error", DiagnosticSeverity.Warning => "warning", _ => "message" };
        return $"{origin}: {severity} {Code}: {Message}";
    }
}

/// <summary>Stops a weave with one error diagnostic.</summary>
public sealed class WeaverException(WeaverDiagnostic diagnostic, Exception? inner = null) : Exception(diagnostic.ToString(), inner)
{
    /// <summary>The error that stopped the weave.</summary>
    public WeaverDiagnostic Diagnostic { get; } = diagnostic;
}
