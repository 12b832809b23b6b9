using System.CommandLine;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Options;
using Weaver.Engine.Pipeline;

namespace Weaver.Cli.Commands;

/// <summary>
/// <c>weaver weave in.dll -o out.dll</c>. Its options are the rows of <see cref="WeaveOptionTable"/> (the MSBuild task
/// has the same ones) and are bound by <see cref="WeaveOptionBinder"/>; only the input, <c>-o</c> and <c>-q</c> are
/// the command line's own.
/// </summary>
internal static class WeaveCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "The assembly to weave (.dll). Its PDB, if beside it, is rewritten too." };
        var output = new Option<string?>("--output", "-o") { Description = "Where to write the woven assembly. Defaults to weaving in place." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only warnings and errors." };
        var table = WeaveOptionTable.All.ToDictionary(spec => spec, CreateOption);

        var command = new Command("weave", "Insert a guard before every store of an assembly (and memoize [Memoize] methods).") { input, output };
        foreach (var option in table.Values) command.Options.Add(option);
        command.Options.Add(quiet);
        command.SetAction(parse =>
        {
            var inputPath = parse.GetValue(input)!;
            var diagnostics = new List<WeaverDiagnostic>();
            var options = WeaveOptionBinder.Bind(inputPath, parse.GetValue(output) ?? inputPath,
                spec => Values(parse, table[spec]), WeaveOptionBinder.FrontEnd.Cli, diagnostics);
            Print(diagnostics, parse.GetValue(quiet));
            if (options is null) return ExitCodes.Usage;
            var result = new WeavePipeline().Run(options);
            Print(result.Diagnostics, parse.GetValue(quiet));
            return result.Succeeded ? ExitCodes.Success : result.InternalError ? ExitCodes.InternalError : ExitCodes.Failed;
        });
        return command;
    }

    private static Option CreateOption(WeaveOptionSpec spec)
    {
        string[] aliases = spec.CliAlias is { } alias ? [alias] : [];
        var description = spec.Description + (spec.Kind == WeaveOptionKind.Bool ? " [true|false]" : "")
                          + (spec.Default is { } d ? $" Default: {d}." : "") + $" (MSBuild: {spec.MSBuildProperty})";
        return spec.Kind switch
        {
            WeaveOptionKind.List => new Option<string[]>(spec.CliName, aliases) { Description = description, AllowMultipleArgumentsPerToken = false },
            // A bare flag means true; '--symbols false' turns a default-on option off.
            WeaveOptionKind.Bool => new Option<bool?>(spec.CliName, aliases) { Description = description, Arity = ArgumentArity.ZeroOrOne },
            _ => new Option<string?>(spec.CliName, aliases) { Description = description },
        };
    }

    private static IReadOnlyList<string> Values(ParseResult parse, Option option) => option switch
    {
        Option<string[]> list => parse.GetValue(list) ?? [],
        Option<bool?> flag when parse.GetResult(flag) is { } given => [given.Tokens.Count == 0 ? "true" : given.Tokens[^1].Value],
        Option<string?> text when parse.GetValue(text) is { } value => [value],
        _ => [],
    };

    internal static void Print(IEnumerable<WeaverDiagnostic> diagnostics, bool quiet)
    {
        foreach (var d in diagnostics)
        {
            if (d.Severity == DiagnosticSeverity.Message && quiet) continue;
            (d.Severity == DiagnosticSeverity.Message ? Console.Out : Console.Error).WriteLine(d);
        }
    }
}
