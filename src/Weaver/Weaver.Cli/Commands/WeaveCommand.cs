using System.CommandLine;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Pipeline;

namespace Weaver.Cli.Commands;

/// <summary><c>weaver weave in.dll -o out.dll</c>.</summary>
internal static class WeaveCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "The assembly to weave (.dll). Its PDB, if beside it, is rewritten too." };
        var output = new Option<string?>("--output", "-o") { Description = "Where to write the woven assembly. Defaults to weaving in place." };
        var guards = new Option<string>("--guards")
        {
            Description = "Which stores to guard: all, none, or a comma list of fields, statics, arrays, indirect.",
            DefaultValueFactory = _ => "all",
        };
        var references = new Option<string[]>("--reference", "-r")
        {
            Description = "A folder to search for referenced assemblies (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        var memoize = new Option<string[]>("--memoize") { Description = "Memoize a method besides those marked [Memoize]: Namespace.Type::Method (repeatable)." };
        var report = new Option<string?>("--report") { Description = "Write a JSON report of what was instrumented to this file." };
        var key = new Option<string?>("--key") { Description = "A strong-name key file (.snk) to re-sign a strong-named input with." };
        var allowUnchecked = new Option<string[]>("--allow-unchecked")
        {
            Description = "Keep an API no guard can check (reflection writes, code generation, P/Invoke, calli) in a trusted module: Type::Method, a prefix ending in *, or * (repeatable). Refused by default.",
        };
        var trustedHost = new Option<bool>("--trusted-host")
        {
            Description = "The input is a trusted host assembly that may use the runtimes' control API (policies, regions, memo tables). Never for a module you did not write.",
        };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only warnings and errors." };

        var command = new Command("weave", "Insert a guard before every store of an assembly (and memoize [Memoize] methods).")
        {
            input, output, guards, references, memoize, allowUnchecked, trustedHost, report, key, quiet,
        };
        command.SetAction(parse =>
        {
            var inputPath = parse.GetValue(input)!;
            if (!GuardKindsParser.TryParse(parse.GetValue(guards), out var kinds, out var bad))
            {
                Console.Error.WriteLine($"weaver: error {DiagnosticCodes.BadOption}: --guards: unknown kind '{bad}' (use all, none, fields, statics, arrays, indirect).");
                return ExitCodes.Usage;
            }
            var options = new WeaveOptions
            {
                InputPath = inputPath,
                OutputPath = parse.GetValue(output) ?? inputPath,
                Guards = kinds,
                ReferencePaths = parse.GetValue(references) ?? [],
                Memoize = parse.GetValue(memoize) ?? [],
                AllowUnchecked = parse.GetValue(allowUnchecked) ?? [],
                ReportPath = parse.GetValue(report),
                KeyFile = parse.GetValue(key),
                TrustedHost = parse.GetValue(trustedHost),
            };
            var result = new WeavePipeline().Run(options);
            Print(result.Diagnostics, parse.GetValue(quiet));
            return result.Succeeded ? ExitCodes.Success : result.InternalError ? ExitCodes.InternalError : ExitCodes.Failed;
        });
        return command;
    }

    internal static void Print(IEnumerable<WeaverDiagnostic> diagnostics, bool quiet)
    {
        foreach (var d in diagnostics)
        {
            if (d.Severity == DiagnosticSeverity.Message && quiet) continue;
            (d.Severity == DiagnosticSeverity.Message ? Console.Out : Console.Error).WriteLine(d);
        }
    }
}
