using System.CommandLine;

namespace Weaver.Cli;

/// <summary>Commands contributed by other parts of the product (policy tool, statistics), each in its own file.</summary>
internal static partial class ExtraCommands
{
    private static readonly List<Func<Command>> Factories =
        [Commands.PolicyCommand.Create, Commands.StatsCommand.Create, Commands.SuggestCommand.Create];

    public static IEnumerable<Command> Create() => Factories.Select(f => f());
}
