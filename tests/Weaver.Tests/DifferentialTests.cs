using System.Reflection;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests;

/// <summary>
/// Non-trivial programs give identical output woven and unwoven (no policy installed: the guards must be invisible).
/// All programs are compiled once per build (Release, Debug) and woven once; each runs in fresh isolated contexts.
/// </summary>
public class DifferentialTests
{
    private sealed record Build(string Unwoven, string Woven);

    private static readonly Lazy<Build> Release = new(() => Make("Programs", optimize: true));
    private static readonly Lazy<Build> Debug = new(() => Make("ProgramsDebug", optimize: false));

    private static Build Make(string name, bool optimize)
    {
        var dll = SnippetCompiler.Compile(ProgramsSource.Text, name, optimize);
        return new Build(dll, Infrastructure.Woven.Weave(dll));
    }

    public static TheoryData<string, bool> Programs()
    {
        var data = new TheoryData<string, bool>();
        foreach (var optimize in new[] { true, false })
            foreach (var name in ProgramsSource.Names) data.Add(name, optimize);
        return data;
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void Woven_and_unwoven_programs_print_the_same(string program, bool optimize)
    {
        var build = optimize ? Release.Value : Debug.Value;
        var expected = Run(build.Unwoven, program);
        var actual = Run(build.Woven, program);
        Assert.Equal(expected, actual);
        Assert.False(string.IsNullOrWhiteSpace(expected));
    }

    [Fact]
    public void Every_program_method_is_guarded_and_passes_verify()
    {
        foreach (var build in new[] { Release.Value, Debug.Value })
        {
            var verify = WeaverCli.Run("verify", build.Woven);
            Assert.True(verify.ExitCode == 0, verify.ToString());
            Assert.Contains(" 0 failed", verify.Out);
            var inspect = WeaverCli.Run("inspect", "--require-guarded", build.Woven);
            Assert.True(inspect.ExitCode == 0, inspect.ToString());
            Assert.Contains("unguarded stores: 0", inspect.Out);
        }
    }

    private static string Run(string path, string program)
    {
        var assembly = Infrastructure.Woven.Load(path);
        return (string)Infrastructure.Woven.Call(assembly, program + ".Program.Run")!;
    }
}
