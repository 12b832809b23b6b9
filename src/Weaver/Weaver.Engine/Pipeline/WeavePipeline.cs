using Weaver.Engine.Diagnostics;

namespace Weaver.Engine.Pipeline;

/// <summary>The outcome of a weave: whether it succeeded, what it said, and what it did.</summary>
public sealed record WeaveResult(bool Succeeded, IReadOnlyList<WeaverDiagnostic> Diagnostics, WeaveReport Report)
{
    /// <summary>Whether the weave failed because of a bug in the weaver (WVR0099) rather than a problem of the input.</summary>
    public bool InternalError => Diagnostics.Any(d => d.Code == DiagnosticCodes.InternalError);
}

/// <summary>
/// Runs the weaving steps in order: load → check → memoize → guard → containment → escape hatches → module handle →
/// mark → write.
/// This is the one engine that the CLI, the MSBuild task and the tests share.
/// </summary>
public sealed class WeavePipeline
{
    private readonly IReadOnlyList<IWeaveStep> steps;

    /// <summary>A pipeline with the standard steps.</summary>
    public WeavePipeline() : this(DefaultSteps()) { }

    private static IReadOnlyList<IWeaveStep> DefaultSteps()
    {
        return [new LoadStep(), new CheckInputStep(), new MemoizeStep(), new GuardStep(), new ContainmentStep(),
            new CodeGenerationStep(), new EscapeHatchStep(), new ModuleHandleStep(), new MarkStep(), new WriteStep()];
    }

    /// <summary>A pipeline with the given steps.</summary>
    public WeavePipeline(IReadOnlyList<IWeaveStep> steps) => this.steps = steps;

    /// <summary>Weaves <see cref="WeaveOptions.InputPath"/> into <see cref="WeaveOptions.OutputPath"/>.</summary>
    public WeaveResult Run(WeaveOptions options)
    {
        var context = new WeaveContext(options);
        IWeaveStep? current = null;
        try
        {
            foreach (var step in steps)
            {
                current = step;
                step.Run(context);
                // Steps report every problem they find before the weave fails, so one run shows them all.
                if (context.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
                    return new WeaveResult(false, context.Diagnostics, context.Report);
                if (context.Stop) break;
            }
            if (context.Stop && context.Report.AlreadyWoven) CopyUnchanged(context);
            else
                context.Add(DiagnosticCodes.Summary, DiagnosticSeverity.Message,
                    $"Wove '{context.Report.Module}': {context.Report.TotalGuards} guards over {context.Report.Targets} targets in {context.Report.MethodsScanned} methods, {context.Report.Memoized.Count} memoized.");
            if (options.ReportPath is { } reportPath) File.WriteAllText(reportPath, context.Report.ToJson());
            return new WeaveResult(true, context.Diagnostics, context.Report);
        }
        catch (WeaverException e)
        {
            context.Add(e.Diagnostic);
            return new WeaveResult(false, context.Diagnostics, context.Report);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Anything else is the weaver's own failure: say so, with its own code, and never blame the input.
            context.Add(DiagnosticCodes.InternalError, DiagnosticSeverity.Error,
                $"Internal error in {current?.GetType().Name ?? "the weaver"} ({e.GetType().Name}: {e.Message}). " +
                "This is a weaver bug, not a problem of the input; nothing was written. Please report it with the input.");
            return new WeaveResult(false, context.Diagnostics, context.Report);
        }
        finally
        {
            context.Module?.Dispose();
        }
    }

    // A second weave is a no-op; when the output is elsewhere it still receives the (already woven) input.
    private static void CopyUnchanged(WeaveContext context)
    {
        var input = Path.GetFullPath(context.Options.InputPath);
        var output = Path.GetFullPath(context.Options.OutputPath);
        if (string.Equals(input, output, StringComparison.Ordinal)) return;
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        File.Copy(input, output, overwrite: true);
        var pdb = Path.ChangeExtension(input, ".pdb");
        if (File.Exists(pdb)) File.Copy(pdb, Path.ChangeExtension(output, ".pdb"), overwrite: true);
    }
}
