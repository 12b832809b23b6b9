using Weaver.Engine.Diagnostics;

namespace Weaver.Engine.Pipeline;

/// <summary>The outcome of a weave: whether it succeeded, what it said, and what it did.</summary>
public sealed record WeaveResult(bool Succeeded, IReadOnlyList<WeaverDiagnostic> Diagnostics, WeaveReport Report)
{
    /// <summary>Whether the weave failed because of a bug in the weaver (WVR0099) rather than a problem of the input.</summary>
    /// <remarks>A woven module the host's verifier rejects (WVR0303 during a weave) is the weaver's failure too.</remarks>
    public bool InternalError => Diagnostics.Any(d => d.Code is DiagnosticCodes.InternalError or DiagnosticCodes.GuardVerifierRejected);
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
            new CompilerHelperStep(), new CodeGenerationStep(), new ReflectionStep(), new ReinterpretStep(), new EscapeHatchStep(), new ModuleHandleStep(), new MarkStep(), new WriteStep()];
    }

    /// <summary>A pipeline with the given steps.</summary>
    public WeavePipeline(IReadOnlyList<IWeaveStep> steps) => this.steps = steps;

    /// <summary>
    /// Weaves <see cref="WeaveOptions.InputPath"/> into <see cref="WeaveOptions.OutputPath"/>. Every analysis step
    /// runs even after another reported errors, so one run reports every problem; the output steps run only when
    /// there is none, and a failed weave closes with one summary of its errors grouped and counted (WVR0012).
    /// </summary>
    public WeaveResult Run(WeaveOptions options)
    {
        var context = new WeaveContext(options);
        try
        {
            foreach (var step in steps)
            {
                if (step.ProducesOutput && HasErrors(context)) return Failed(context);
                if (!RunStep(context, step)) return Failed(context);
                if (context.Stop) break;
            }
            if (HasErrors(context)) return Failed(context);
            if (context.Stop && context.Report.AlreadyWoven) CopyUnchanged(context);
            else
                context.Add(DiagnosticCodes.Summary, DiagnosticSeverity.Message,
                    $"Wove '{context.Report.Module}': {context.Report.TotalGuards} guards over {context.Report.Targets} targets in {context.Report.MethodsScanned} methods, {context.Report.Memoized.Count} memoized.");
            if (options.ReportPath is { } reportPath) File.WriteAllText(reportPath, context.Report.ToJson());
            return new WeaveResult(true, context.Diagnostics, context.Report);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Writing the report is the only work outside a step.
            context.Add(DiagnosticCodes.OutputFailed, DiagnosticSeverity.Error, $"Cannot write the report: {e.Message}");
            return Failed(context);
        }
        finally
        {
            context.Module?.Dispose();
        }
    }

    // Runs one step; false when the weave cannot go on (a fatal problem of the input, or a step without a module).
    private static bool RunStep(WeaveContext context, IWeaveStep step)
    {
        try
        {
            step.Run(context);
            return true;
        }
        catch (WeaverException e)
        {
            context.Add(e.Diagnostic);
            return false;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Anything else is the weaver's own failure: say so, with its own code, and never blame the input. The
            // later analysis steps still run (nothing is written), so the input's real problems are all reported too.
            context.Add(InternalError(context, step.GetType().Name, e));
            return context.Module is not null;
        }
    }

    /// <summary>The WVR0099 diagnostic for a crash of the weaver in <paramref name="where"/>.</summary>
    internal static WeaverDiagnostic InternalError(WeaveContext context, string where, Exception e) =>
        new(DiagnosticCodes.InternalError, DiagnosticSeverity.Error,
            $"Internal error in {where} ({e.GetType().Name}: {e.Message}). This is a weaver bug, not a problem of the " +
            "input; nothing was written. Please report it with the input.", context.Options.InputPath);

    private static bool HasErrors(WeaveContext context) =>
        context.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    private static WeaveResult Failed(WeaveContext context)
    {
        if (RefusalSummary.Build(context.Options.InputPath, context.Diagnostics) is { } summary) context.Add(summary);
        return new WeaveResult(false, context.Diagnostics, context.Report);
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
