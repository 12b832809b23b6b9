using Mono.Cecil;
using Weaver.Engine.Diagnostics;

namespace Weaver.Engine.Pipeline;

/// <summary>The state the weaving steps share: the options, the module being woven, diagnostics and the report.</summary>
public sealed class WeaveContext(WeaveOptions options)
{
    private readonly List<WeaverDiagnostic> diagnostics = [];

    /// <summary>The options of this weave.</summary>
    public WeaveOptions Options { get; } = options;

    /// <summary>The module being woven; set by the load step.</summary>
    public ModuleDefinition Module { get; set; } = null!;

    /// <summary>Whether the input had symbols that were read (and so must be written).</summary>
    public bool HasSymbols { get; set; }

    /// <summary>Set by a step that decides the rest of the pipeline has nothing to do (an already woven input).</summary>
    public bool Stop { get; set; }

    /// <summary>The guard tables (targets, sites, ABI references) shared by the guard and escape-hatch steps; null until the guard step ran.</summary>
    internal Guards.GuardContext? Guards { get; set; }

    /// <summary>The offsets and lines of the input as read (filled by the load step); sites and diagnostics use them.</summary>
    public OriginalCode Original { get; } = new();

    /// <summary>What was instrumented.</summary>
    public WeaveReport Report { get; } = new();

    /// <summary>Every diagnostic so far.</summary>
    public IReadOnlyList<WeaverDiagnostic> Diagnostics => diagnostics;

    /// <summary>Records a diagnostic.</summary>
    public void Add(WeaverDiagnostic diagnostic) => diagnostics.Add(diagnostic);

    /// <summary>Records a diagnostic about the input file.</summary>
    public void Add(string code, DiagnosticSeverity severity, string message) =>
        diagnostics.Add(new WeaverDiagnostic(code, severity, message, Options.InputPath));

    /// <summary>Stops the weave with an error about the input file.</summary>
    public WeaverException Fail(string code, string message, Exception? inner = null) =>
        new(new WeaverDiagnostic(code, DiagnosticSeverity.Error, message, Options.InputPath), inner);
}
