using System.Diagnostics;
using System.Reflection;
using KcrRuntime;
using Weaver.Engine.Pipeline;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Memoize;

/// <summary>Tests that read or change global KCR state (the switch, registered tables, statistics) run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KcrStateCollection
{
    public const string Name = "KCR runtime state";
}

/// <summary>Compiles a snippet with a unique namespace (<c>$NS$</c>), weaves it, and loads both versions.</summary>
public sealed class MemoBuild
{
    private static int counter;

    public required string Namespace { get; init; }
    public required string Dll { get; init; }
    public required string WovenPath { get; init; }
    public required Assembly Woven { get; init; }
    public required Assembly Plain { get; init; }

    public static MemoBuild Create(string source, string hint, GuardKinds guards, IReadOnlyList<string>? memoize = null)
    {
        var ns = $"{hint}{guards}{Interlocked.Increment(ref counter)}";
        var dll = SnippetCompiler.Compile(source.Replace("$NS$", ns), ns);
        var woven = Infrastructure.Woven.Weave(dll, guards, memoize?.Select(m => m.Replace("$NS$", ns)).ToList());
        return new MemoBuild
        {
            Namespace = ns,
            Dll = dll,
            WovenPath = woven,
            Woven = Infrastructure.Woven.Load(woven),
            Plain = Infrastructure.Woven.Load(dll),
        };
    }

    public object? Call(string typeAndMethod, params object?[] args) => Infrastructure.Woven.Call(Woven, $"{Namespace}.{typeAndMethod}", args);

    public object? CallPlain(string typeAndMethod, params object?[] args) => Infrastructure.Woven.Call(Plain, $"{Namespace}.{typeAndMethod}", args);

    /// <summary>The woven module's call counter: <c>Counter.Calls[0]</c> (a read-only array, so not a dependency).</summary>
    public int Calls => ((int[])Woven.GetType($"{Namespace}.Counter", true)!.GetField("Calls")!.GetValue(null)!)[0];

    /// <summary>The table registered for <c>Type::Method(params)</c> of this build.</summary>
    public MemoTable Table(string typeAndSignature) =>
        Kcr.Tables.Last(t => t.MethodName == $"{Namespace}.{typeAndSignature}");
}

/// <summary>Runs the weaver CLI as a child process (invalid IL can crash the verifier, so never in-process).</summary>
public static class MemoCli
{
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var result = Infrastructure.WeaverCli.Run(args);
        return (result.ExitCode, result.All);
    }
}
