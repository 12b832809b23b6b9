using KcrRuntime;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Pipeline;

namespace Weaver.Engine.Suggest;

/// <summary>What <c>weaver suggest</c> is asked.</summary>
public sealed record SuggestOptions
{
    /// <summary>The (unwoven) assembly to analyse.</summary>
    public required string InputPath { get; init; }

    /// <summary>Extra folders searched for referenced assemblies.</summary>
    public IReadOnlyList<string> ReferencePaths { get; init; } = [];

    /// <summary>A profile of an earlier run (<c>weaver stats --profile-out</c>, <see cref="KcrProfile"/>), or null.</summary>
    public string? ProfilePath { get; init; }

    /// <summary>How many of the ranked candidates are marked as the ones <c>--memoize auto</c> would weave.</summary>
    public int Limit { get; init; } = SuggestEngine.DefaultLimit;
}

/// <summary>Loads the assembly and the profile as a weave does, and runs <see cref="SuggestEngine"/>.</summary>
public static class SuggestRunner
{
    /// <summary>The report, or null with the errors that prevented it (every one found, in one run).</summary>
    public static (SuggestReport? Report, IReadOnlyList<WeaverDiagnostic> Diagnostics) Run(SuggestOptions options)
    {
        var diagnostics = new List<WeaverDiagnostic>();
        KcrProfile? profile = null;
        if (options.ProfilePath is { } profilePath)
            profile = LoadProfile(profilePath, diagnostics);
        var context = new WeaveContext(new WeaveOptions
        {
            InputPath = options.InputPath, OutputPath = options.InputPath, ReferencePaths = options.ReferencePaths, Symbols = false,
        });
        try
        {
            new LoadStep().Run(context);
        }
        catch (WeaverException e)
        {
            diagnostics.Add(e.Diagnostic);
            return (null, diagnostics);
        }
        using var module = context.Module;
        if (module.Assembly is { } assembly && Marker.Read(assembly) is not null)
            diagnostics.Add(new WeaverDiagnostic(DiagnosticCodes.SuggestWovenInput, DiagnosticSeverity.Error,
                "The assembly is already woven; run suggest on the build before weaving.", options.InputPath));
        if (diagnostics.Count > 0) return (null, diagnostics);
        return (SuggestEngine.Run(module, options.InputPath, profile, options.ProfilePath, options.Limit), diagnostics);
    }

    /// <summary>Reads a profile, adding a WVR1050 error naming the file and the problem when it cannot.</summary>
    public static KcrProfile? LoadProfile(string path, List<WeaverDiagnostic> diagnostics)
    {
        try
        {
            return KcrProfile.Load(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            diagnostics.Add(new WeaverDiagnostic(DiagnosticCodes.MemoizeProfileInvalid, DiagnosticSeverity.Error,
                $"Cannot use the KCR profile: {e.Message}", path));
            return null;
        }
    }
}
