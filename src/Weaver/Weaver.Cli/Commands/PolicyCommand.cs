using System.CommandLine;
using System.Security.Cryptography;
using GuardRuntime;

namespace Weaver.Cli.Commands;

/// <summary><c>weaver policy check|show</c>: validate a guard policy and show what it compiles to for a module.</summary>
internal static class PolicyCommand
{
    public static Command Create()
    {
        var command = new Command("policy", "Check a guard policy file, or show the tables it compiles to for a woven module.");
        command.Subcommands.Add(Check());
        command.Subcommands.Add(Show());
        return command;
    }

    private static Command Check()
    {
        var file = new Argument<string>("policy") { Description = "The policy file (JSON with comments)." };
        var modules = new Option<string[]>("--module", "-m") { Description = "A woven module the policy governs (repeatable); names are checked against its targets and the assemblies next to it." };
        var command = new Command("check", "Report every error and warning of a policy file, with line and column.") { file, modules };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var read = PolicyFile.ReadFile(path);
            var diagnostics = read.Diagnostics.ToList();
            if (read.Policy is not null)
            {
                var dlls = parse.GetValue(modules) ?? [];
                diagnostics.AddRange(dlls.Length == 0
                    ? PolicyChecker.Check(read.Policy, [])
                    : PolicyChecker.CheckAssemblies(read.Policy, dlls));
            }
            foreach (var d in diagnostics) Console.Error.WriteLine(d);
            int errors = diagnostics.Count(d => d.Severity == PolicySeverity.Error);
            int warnings = diagnostics.Count(d => d.Severity == PolicySeverity.Warning);
            Console.WriteLine($"{Path.GetFileName(path)}: {errors} error(s), {warnings} warning(s)");
            return read.Policy is null ? ExitCodes.Failed : errors > 0 ? ExitCodes.CheckFailed : ExitCodes.Success;
        });
        return command;
    }

    private static Command Show()
    {
        var file = new Argument<string>("policy") { Description = "The policy file." };
        var module = new Option<string>("--module", "-m") { Description = "The woven module to compile the policy for.", Required = true };
        var command = new Command("show", "Show, per target of a woven module, the table byte, verdict and deciding rule, and the protected instances and address ranges.") { file, module };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var dll = parse.GetValue(module)!;
            Policy policy;
            try
            {
                policy = PolicyFile.Load(path);
            }
            catch (PolicyException e)
            {
                foreach (var d in e.Diagnostics) Console.Error.WriteLine(d);
                return ExitCodes.Failed;
            }
            GuardManifest? manifest;
            string sha256;
            try
            {
                manifest = PolicyChecker.ReadManifest(dll);
                using var stream = File.OpenRead(dll);
                sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidDataException)
            {
                Console.Error.WriteLine($"{dll}: error {PolicyCodes.BadModule}: cannot read the module: {e.Message}");
                return ExitCodes.Failed;
            }
            if (manifest is null)
            {
                Console.Error.WriteLine($"{dll}: error {PolicyCodes.BadModule}: the module carries no guard manifest; weave it first.");
                return ExitCodes.Failed;
            }
            // No host runs here, so no region is registered: region rules show with no instances or ranges.
            Console.Write(PolicyFormatter.Show(policy, manifest, RegionSet.Empty, sha256));
            return ExitCodes.Success;
        });
        return command;
    }
}
