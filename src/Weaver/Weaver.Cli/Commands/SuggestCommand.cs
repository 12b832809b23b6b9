using System.CommandLine;
using System.Globalization;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Suggest;

namespace Weaver.Cli.Commands;

/// <summary>
/// <c>weaver suggest lib.dll [--profile p.json] [--json]</c>: the methods of an assembly that are safe and worth
/// memoizing, ranked by estimated saving per call, and every other method with the reason it is not suggested.
/// </summary>
internal static class SuggestCommand
{
    private const int DefaultRejections = 40;

    public static Command Create()
    {
        var input = new Argument<string>("assembly") { Description = "The assembly to analyse (unwoven)." };
        var profile = new Option<string?>("--profile", "-p") { Description = "A KCR profile of an earlier run (weaver stats --profile-out): observed repeat rates, and which tables paid." };
        var json = new Option<bool>("--json") { Description = "Print the full report as JSON (every candidate and every rejection)." };
        var references = new Option<string[]>("--reference", "-r") { Description = "A folder to search for referenced assemblies (repeatable)." };
        var limit = new Option<int>("--limit") { Description = "How many top candidates --memoize auto would weave (marked *).", DefaultValueFactory = _ => SuggestEngine.DefaultLimit };
        var rejections = new Option<string>("--rejections") { Description = "How many rejections to list in the table: a number, or all.", DefaultValueFactory = _ => DefaultRejections.ToString(CultureInfo.InvariantCulture) };
        var command = new Command("suggest", "List the methods that are safe and worth memoizing (with a reason for each method rejected).")
        {
            input, profile, json, references, limit, rejections,
        };
        command.SetAction(parse =>
        {
            var shown = parse.GetValue(rejections);
            int maxRejections = shown == "all" ? int.MaxValue : int.TryParse(shown, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : -1;
            if (maxRejections < 0 || parse.GetValue(limit) < 0)
            {
                Console.Error.WriteLine($"weaver: error {DiagnosticCodes.BadOption}: --rejections takes a count or 'all', --limit a count >= 0.");
                return ExitCodes.Usage;
            }
            var (report, diagnostics) = SuggestRunner.Run(new SuggestOptions
            {
                InputPath = parse.GetValue(input)!,
                ProfilePath = parse.GetValue(profile),
                ReferencePaths = parse.GetValue(references) ?? [],
                Limit = parse.GetValue(limit),
            });
            WeaveCommand.Print(diagnostics, quiet: false);
            if (report is null) return ExitCodes.Failed;
            if (parse.GetValue(json)) Console.Out.WriteLine(report.ToJson());
            else SuggestTable.Write(Console.Out, report, maxRejections);
            return ExitCodes.Success;
        });
        return command;
    }
}
