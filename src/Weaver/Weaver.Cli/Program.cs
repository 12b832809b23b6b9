using System.CommandLine;
using Weaver.Cli;
using Weaver.Cli.Commands;

var root = new RootCommand("weaver: guards every store of an untrusted .NET module and memoizes its pure methods.")
{
    WeaveCommand.Create(),
    InspectCommand.Create(),
    VerifyCommand.Create(),
};
foreach (var extra in ExtraCommands.Create()) root.Subcommands.Add(extra);

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"weaver: error WVR0009: {error.Message}");
    Console.Error.WriteLine("Run 'weaver --help' (or 'weaver <command> --help') for usage.");
    return ExitCodes.Usage;
}
return parsed.Invoke();
