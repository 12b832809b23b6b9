namespace Weaver.Tests;

/// <summary>
/// The test assembly's entry point (the test SDK's generated one is turned off): xunit never calls it; the outside
/// red team runs each hostile module in a child process started as <c>dotnet Weaver.Tests.dll --outside-attack ...</c>,
/// and the fuzz test runs its generated calls in one (<c>--fuzz-run</c>), so that a module that crashes or hangs
/// the process is observed instead of taking the test run down.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => args.Length == 0 ? 0
        : args[0] == RedTeam.Outside.OutsideAttackChild.Verb ? RedTeam.Outside.OutsideAttackChild.Run(args[1..])
        : args[0] == Fuzz.FuzzChild.Verb ? Fuzz.FuzzChild.Run(args[1..]) : 0;
}
