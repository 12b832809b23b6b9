using Weaver.Engine.Pipeline;

namespace Weaver.Tests.Memoize;

/// <summary><c>weaver stats</c> runs a driver method of a memoized assembly and prints the KCR statistics.</summary>
public class StatsCommandTests
{
    [Fact]
    public void Stats_runs_the_driver_and_prints_the_tables()
    {
        var build = MemoBuild.Create("""
            using KcrRuntime;
            namespace $NS$ {
            public static class K {
                [Memoize] public static int Square(int x) => x * x;
                public static void Drive() { for (int i = 0; i < 100; i++) Square(i % 10); }
            }
            }
            """, "KcrStats", GuardKinds.All);
        var (exit, output) = MemoCli.Run("stats", build.WovenPath, "--run", $"{build.Namespace}.K::Drive", "--repeat", "3");
        Assert.True(exit == 0, output);
        Assert.Contains($"[{build.Namespace}.K::Square(System.Int32)]", output);
        Assert.Contains("state: serving", output);
        Assert.Contains("calls: 300", output);

        var (missing, message) = MemoCli.Run("stats", build.WovenPath, "--run", $"{build.Namespace}.K::Nope");
        Assert.Equal(2, missing);
        Assert.Contains("Nope", message);
    }
}
