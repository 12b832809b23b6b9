using GuardRuntime;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Pipeline;

namespace Weaver.Engine.Options;

/// <summary>
/// Binds the raw values a front end received for the rows of <see cref="WeaveOptionTable"/> into
/// <see cref="WeaveOptions"/>, the one way the CLI and the MSBuild task both do it. Every bad value is reported
/// (WVR0009 with the option's name as the front end spells it, policy errors WVR2xxx with their line and column)
/// before anything is woven.
/// </summary>
public static class WeaveOptionBinder
{
    /// <summary>Which spelling the diagnostics use for an option.</summary>
    public enum FrontEnd
    {
        /// <summary><c>--allow-unchecked</c>.</summary>
        Cli,
        /// <summary><c>WeaverAllowUnchecked</c>.</summary>
        MSBuild,
    }

    /// <summary>
    /// The options of a weave of <paramref name="input"/> into <paramref name="output"/>, or null when a value is bad
    /// (every problem is in <paramref name="diagnostics"/>). <paramref name="values"/> gives a row's values as written
    /// (none when the option was not given); relative paths are resolved against the current directory.
    /// </summary>
    public static WeaveOptions? Bind(string input, string output, Func<WeaveOptionSpec, IReadOnlyList<string>> values,
        FrontEnd frontEnd, List<WeaverDiagnostic> diagnostics)
    {
        int errors = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
        string Spelling(WeaveOptionSpec spec) => frontEnd == FrontEnd.Cli ? spec.CliName : spec.MSBuildProperty;
        IReadOnlyList<string> List(WeaveOptionSpec spec) =>
            values(spec).Select(v => v.Trim()).Where(v => v.Length > 0).ToArray();
        string? Text(WeaveOptionSpec spec) => List(spec) is { Count: > 0 } list ? list[^1] : spec.Default;
        bool Bool(WeaveOptionSpec spec)
        {
            var text = Text(spec) ?? "false";
            if (bool.TryParse(text, out var value)) return value;
            diagnostics.Add(new WeaverDiagnostic(DiagnosticCodes.BadOption, DiagnosticSeverity.Error,
                $"{Spelling(spec)}: '{text}' is not true or false."));
            return false;
        }
        string? FullPath(WeaveOptionSpec spec) => Text(spec) is { } path ? Path.GetFullPath(path) : null;

        var guardsText = Text(WeaveOptionTable.Guards);
        if (!GuardKindsParser.TryParse(guardsText, out var kinds, out var bad))
            diagnostics.Add(new WeaverDiagnostic(DiagnosticCodes.BadOption, DiagnosticSeverity.Error,
                $"{Spelling(WeaveOptionTable.Guards)}: unknown kind '{bad}' (use all, none, or a comma list of fields, statics, arrays, indirect)."));
        var policy = FullPath(WeaveOptionTable.Policy);
        if (policy is not null) ValidatePolicy(policy, Spelling(WeaveOptionTable.Policy), diagnostics);

        var options = new WeaveOptions
        {
            InputPath = input,
            OutputPath = output,
            Guards = kinds,
            ReferencePaths = List(WeaveOptionTable.References).Select(Path.GetFullPath).ToArray(),
            Memoize = List(WeaveOptionTable.Memoize),
            MemoizeProfile = FullPath(WeaveOptionTable.MemoizeProfile),
            AllowUnchecked = List(WeaveOptionTable.AllowUnchecked),
            TrustedHost = Bool(WeaveOptionTable.TrustedHost),
            PolicyPath = policy,
            ReportPath = FullPath(WeaveOptionTable.Report),
            KeyFile = FullPath(WeaveOptionTable.KeyFile),
            Symbols = Bool(WeaveOptionTable.Symbols),
            Verify = Bool(WeaveOptionTable.Verify),
        };
        return diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error) > errors ? null : options;
    }

    // The policy is parsed with the runtime's own parser, so a policy that weaves is a policy that loads.
    private static void ValidatePolicy(string path, string spelling, List<WeaverDiagnostic> diagnostics)
    {
        if (!File.Exists(path))
        {
            diagnostics.Add(new WeaverDiagnostic(PolicyCodes.Unreadable, DiagnosticSeverity.Error,
                $"The policy file '{path}' ({spelling}) does not exist.", path));
            return;
        }
        foreach (var d in PolicyFile.ReadFile(path).Diagnostics)
            diagnostics.Add(new WeaverDiagnostic(d.Code, d.Severity switch
            {
                PolicySeverity.Error => DiagnosticSeverity.Error,
                PolicySeverity.Warning => DiagnosticSeverity.Warning,
                _ => DiagnosticSeverity.Message,
            }, d.Message, d.File ?? path, d.Line, d.Column));
    }
}
