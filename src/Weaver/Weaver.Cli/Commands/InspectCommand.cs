using System.CommandLine;
using System.Text.Json;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Inspection;

namespace Weaver.Cli.Commands;

/// <summary><c>weaver inspect file.dll</c>: woven or not, by which version, guard sites per kind, unguarded stores.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("assembly") { Description = "The assembly to inspect." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var require = new Option<bool>("--require-guarded") { Description = "Exit with code 3 when any store has no guard." };
        var explain = new Option<string?>("--explain")
        {
            Description = "List every store of Type::Method with its guard, or the reason it has none.",
        };
        var command = new Command("inspect", "Show whether an assembly is woven, by which weaver, and whether every store is guarded.")
            { input, json, require, explain };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(input)!;
            InspectionResult result;
            try
            {
                result = AssemblyInspector.Inspect(path, parse.GetValue(explain));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException or ArgumentException or InvalidDataException)
            {
                var code = e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException ? DiagnosticCodes.InputNotFound : DiagnosticCodes.BadImage;
                Console.Error.WriteLine(new WeaverDiagnostic(code, DiagnosticSeverity.Error, $"Cannot inspect: {e.Message}", path));
                return ExitCodes.Failed;
            }
            if (parse.GetValue(json)) PrintJson(result);
            else PrintText(result, path);
            return parse.GetValue(require) && (result.Unguarded.Count > 0 || !result.IsWoven) ? ExitCodes.CheckFailed : ExitCodes.Success;
        });
        return command;
    }

    private static void PrintText(InspectionResult result, string path)
    {
        Console.WriteLine($"{result.Assembly}: {(result.IsWoven ? $"woven ({result.Marker})" : "not woven")}");
        if (result.Manifest is { } m)
            Console.WriteLine($"  manifest: {m.Targets.Count} targets, {m.Sites.Count} sites, weaver {m.WeaverVersion}, options {m.OptionsHash}");
        Console.WriteLine($"  methods with bodies: {result.Methods}");
        Console.WriteLine($"  guarded stores: {result.GuardedByOpcode.Values.Sum()}");
        foreach (var (opcode, count) in result.GuardedByOpcode) Console.WriteLine($"    {opcode,-12} {count}");
        if (result.EliminatedByReason.Count > 0)
        {
            Console.WriteLine("  address checks not needed, by reason (docs/security-model.md):");
            foreach (var (reason, count) in result.EliminatedByReason) Console.WriteLine($"    {reason,-22} {count}");
        }
        Console.WriteLine($"  unguarded stores: {result.Unguarded.Count}");
        foreach (var u in result.Unguarded.Take(50))
            Console.WriteLine($"    {new WeaverDiagnostic(DiagnosticCodes.UnguardedStore, DiagnosticSeverity.Warning, $"{u.OpCode} in {u.Method} at IL_{u.ILOffset:x4} has no guard", path)}");
        if (result.Unguarded.Count > 50) Console.WriteLine($"    ... and {result.Unguarded.Count - 50} more");
        if (result.Explained.Count > 0)
        {
            Console.WriteLine("  stores, explained:");
            foreach (var e in result.Explained)
                Console.WriteLine($"    {e.Method} IL_{e.ILOffset:x4} {e.OpCode,-10} checks: {e.Checks,-24} {e.Reason}");
        }
    }

    private static void PrintJson(InspectionResult result) =>
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            assembly = result.Assembly,
            woven = result.IsWoven,
            marker = result.Marker,
            targets = result.Manifest?.Targets.Count,
            sites = result.Manifest?.Sites.Count,
            methods = result.Methods,
            guarded = result.GuardedByOpcode,
            unguarded = result.Unguarded,
            eliminated = result.EliminatedByReason,
            explained = result.Explained,
        }, new JsonSerializerOptions { WriteIndented = true }));
}
