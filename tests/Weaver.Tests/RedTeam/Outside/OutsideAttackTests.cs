using Xunit.Abstractions;

namespace Weaver.Tests.RedTeam.Outside;

/// <summary>Runs the outside red team once per test run (all tests below share the outcomes).</summary>
public sealed class OutsideAttackFixture
{
    public OutsideAttackFixture()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Cases = OutsideAttackHarness.Discover();
        Outcomes = OutsideAttackHarness.RunAll(Cases);
        Elapsed = watch.Elapsed;
        Report = OutsideAttackReport.Format(Outcomes, Elapsed);
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "outside-redteam-report.txt"), Report);
    }

    public IReadOnlyList<AttackCase> Cases { get; }

    public IReadOnlyList<AttackOutcome> Outcomes { get; }

    public TimeSpan Elapsed { get; }

    public string Report { get; }
}

/// <summary>
/// The outside red team (hostile modules as real .cs files under RedTeam/Outside/Attacks, one technique per file):
/// every attack must be refused by the weaver or stopped by a guard with the whole kernel state unchanged. Expected to
/// fail while any technique gets through: run with <c>--filter Category=OutsideRedTeam</c>.
/// </summary>
[Trait("Category", "OutsideRedTeam")]
public sealed class OutsideAttackTests(OutsideAttackFixture fixture, ITestOutputHelper output) : IClassFixture<OutsideAttackFixture>
{
    [Fact]
    public void Outside_red_team_nothing_gets_through()
    {
        output.WriteLine(fixture.Report);
        var through = fixture.Outcomes.Where(o => o.GotThrough).ToList();
        Assert.True(through.Count == 0, $"{through.Count} of {fixture.Outcomes.Count} techniques got through:\n" +
                                        string.Join("\n", through.Select(o => $"  {o.Case}: {o.Detail}")));
    }

    /// <summary>
    /// Attacks on the kernel model's own API that the kernel itself now refuses, woven or not: it hands modules
    /// read-only views instead of its internal lists, and its exported calls check who owns what they act on. They stay in the suite (and must stay without effect).
    /// </summary>
    private static readonly Dictionary<string, string> ClosedByTheKernel = new()
    {
        ["FrameworkWrites/ListCastClearNetDevices"] = "KernelApi.NetDevices is a read-only view, not the kernel's list",
        ["FrameworkWrites/CollectionsMarshalPciDevices"] = "PciBus.Devices is a read-only view, not the bus's list",
        ["HostDeputies/DmaFreeForeignWindow"] = "DmaAllocator.Free frees only windows the calling module allocated",
        ["HostDeputies/PciWriteConfigForeign"] = "PciDevice.WriteConfig16 only from the module that claimed the function",
        ["HostDeputies/PciReleaseDriverDevice"] = "PciDevice.Release only from the module that claimed the function",
        ["HostDeputies/UnregisterEth0"] = "unregistering a net device only from the module that registered it",
        ["Identity/NamedLikeTheDriver"] = "the host binds module names to files: a second file cannot take the driver's name",
    };

    [Fact]
    public void Attacks_the_kernel_closed_itself_have_no_effect_woven_or_unwoven()
    {
        foreach (var name in ClosedByTheKernel.Keys)
        {
            var outcome = fixture.Outcomes.Single(o => o.Case.ToString() == name);
            Assert.False(outcome.GotThrough, name + ": " + outcome.Detail);
            Assert.False(outcome.UnwovenEffect, name + " changes the kernel unwoven again: " + outcome.UnwovenDetail);
        }
    }


    [Fact]
    public void Every_attack_compiles_and_really_changes_the_kernel_when_unwoven()
    {
        var bad = fixture.Outcomes.Where(o => !ClosedByTheKernel.ContainsKey(o.Case.ToString()))
            .Where(o => o.Result == OutsideAttackHarness.HarnessError || !o.UnwovenEffect || o.Result == OutsideAttackHarness.Inert).ToList();
        Assert.True(bad.Count == 0, "broken attacks (a harness error, no effect unwoven, or inert woven):\n" +
                                    string.Join("\n", bad.Select(o => $"  {o.Case}: {o.Result}: {o.Detail} / unwoven: {o.UnwovenDetail}")));
    }

    [Fact]
    public void Control_a_module_that_does_nothing_changes_nothing_and_is_not_stopped()
    {
        var dir = Infrastructure.SnippetCompiler.NewDirectory("outside-control");
        var file = Path.Combine(dir, "NoOp.cs");
        File.WriteAllText(file, """
            using Kernel;
            namespace OutsideRedTeam.Control;
            [Attack("does nothing but read the kernel", Expect.Either)]
            public sealed class NoOp : IKernelModule
            {
                public int Seen;
                public string Name => "noop";
                public void Init(KernelApi kernel) { Seen = kernel.CurrentTask.Cred.Euid + kernel.NetDevices.Count + KernelConfig.Hostname.Length; }
                public void Exit() { }
            }
            """);
        var outcome = OutsideAttackHarness.Run(new AttackCase("Control", "NoOp", file, "Outside.Control.NoOp", []));
        Assert.False(outcome.UnwovenEffect, outcome.UnwovenDetail);
        Assert.Equal(OutsideAttackHarness.Inert, outcome.Result);
    }

    [Fact]
    public void There_are_at_least_45_techniques() => Assert.True(fixture.Cases.Count >= 45, $"{fixture.Cases.Count} techniques");
}

/// <summary>The summary table.</summary>
public static class OutsideAttackReport
{
    public static string Format(IReadOnlyList<AttackOutcome> outcomes, TimeSpan elapsed)
    {
        var sb = new System.Text.StringBuilder();
        int r = outcomes.Count(o => o.Result == OutsideAttackHarness.Refused), s = outcomes.Count(o => o.Result == OutsideAttackHarness.Stopped);
        int t = outcomes.Count(o => o.GotThrough), other = outcomes.Count - r - s - t;
        sb.AppendLine($"outside red team: {outcomes.Count} techniques, {r} refused, {s} stopped, {t} got through" + (other > 0 ? $", {other} inert/harness errors" : "") + $" ({elapsed.TotalSeconds:0}s)");
        foreach (var o in outcomes)
            sb.AppendLine($"  {o.Result,-12} {o.Case,-48} expect {o.Expected,-7} unwoven {(o.UnwovenEffect ? "changes" : "NO EFFECT")}  {o.Detail}");
        var through = outcomes.Where(o => o.GotThrough).ToList();
        if (through.Count > 0)
        {
            sb.AppendLine("got through:");
            foreach (var o in through) sb.AppendLine($"  {o.Case}: {o.What}");
        }
        return sb.ToString();
    }
}
