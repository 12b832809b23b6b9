using System.CommandLine;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Verification;
using GuardVerifier = GuardRuntime.Verification.ModuleVerifier;

namespace Weaver.Cli.Commands;

/// <summary><c>weaver verify file.dll</c>: force the JIT over every method and report invalid IL.</summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("assembly") { Description = "The (woven) assembly to verify." };
        var references = new Option<string[]>("--reference", "-r") { Description = "A folder to search for referenced assemblies (repeatable)." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "List the generic methods that could not be closed and were skipped." };
        var guards = new Option<bool>("--guards") { Description = "Run the host's load-time guard verifier instead of the JIT: every store, address, checked call and host call guarded, ids consistent with the manifest." };
        var command = new Command("verify", "Load an assembly and force the JIT over every method, reporting invalid IL.") { input, references, verbose, guards };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(input)!;
            if (!File.Exists(path))
            {
                Console.Error.WriteLine(new WeaverDiagnostic(DiagnosticCodes.InputNotFound, DiagnosticSeverity.Error, $"The file '{path}' does not exist.", path));
                return ExitCodes.Failed;
            }
            if (parse.GetValue(guards)) return VerifyGuards(path, parse.GetValue(references) ?? []);
            VerificationResult result;
            try
            {
                result = AssemblyVerifier.Verify(path, parse.GetValue(references) ?? []);
            }
            catch (Exception e) when (e is BadImageFormatException or FileLoadException or IOException)
            {
                Console.Error.WriteLine(new WeaverDiagnostic(DiagnosticCodes.BadImage, DiagnosticSeverity.Error, $"Cannot load the assembly: {e.Message}", path));
                return ExitCodes.Failed;
            }
            foreach (var failure in result.Failures)
                Console.Error.WriteLine(new WeaverDiagnostic(DiagnosticCodes.InvalidIL, DiagnosticSeverity.Error, $"{failure.Method}: {failure.Error}", path));
            if (parse.GetValue(verbose))
                foreach (var skipped in result.SkippedMethods) Console.WriteLine($"  skipped (no type arguments satisfy its constraints): {skipped}");
            Console.WriteLine($"{Path.GetFileName(path)}: {result.Prepared} methods compiled, {result.Failures.Count} failed, {result.Skipped} generic methods skipped");
            return result.Failures.Count == 0 ? ExitCodes.Success : ExitCodes.CheckFailed;
        });
        return command;
    }

    // The host's verdict, from the same verifier the loader runs; every rejection is printed, not just the first.
    // -r folders are where the host's assemblies are (their [ModuleExport] members are what a module may call).
    private static int VerifyGuards(string path, string[] hostDirectories)
    {
        var result = new GuardVerifier(hostDirectories).Verify(path);
        foreach (var error in result.Errors)
            Console.Error.WriteLine(new WeaverDiagnostic(DiagnosticCodes.GuardVerifierRejected, DiagnosticSeverity.Error, error.ToString(), path));
        Console.WriteLine($"{result.Module}: {(result.Accepted ? "accepted" : "rejected")} by the guard verifier: {result.Methods} methods, " +
                          $"{result.IlBytes} bytes of IL, {result.Errors.Count} errors; sha256 {result.Sha256}");
        return result.Accepted ? ExitCodes.Success : ExitCodes.CheckFailed;
    }
}
