using System.Diagnostics.Metrics;
using Kernel;

namespace GuardRuntime.Tests;

public sealed class ToolingTests : GuardTest
{
    private static GuardManifest Manifest()
    {
        var b = new ModuleBuilder("e1000e");
        b.Field("Kernel.Credentials::Uid");
        b.Static("Kernel.KernelConfig::SecureBoot");
        b.Field("E1000e.Ring::Head", "e1000e");
        b.Address();
        b.Call("Kernel.Scheduler::SetCurrent");
        return b.Manifest();
    }

    [Fact]
    public void Checker_reports_names_that_nothing_defines_with_their_rule_position()
    {
        var policy = PolicyFile.Parse("""
            {
              "default": { "rules": [
                { "field": "Kernel.Credentials::Uid", "action": "throw" },
                { "field": "Kernel.Credentials::Euid", "action": "throw" },
                { "field": "Kernel.Credentials::Gidd", "action": "throw" },
                { "type": "Kernel.Credentialz", "action": "throw" },
                { "namespace": "Kernel.Net", "action": "audit" },
                { "namespace": "Nope.Nowhere", "action": "audit" },
                { "call": "Kernel.Scheduler::SetCurrent", "action": "throw" },
                { "call": "Kernel.Scheduler::Reboot", "action": "throw" },
                { "region": "current-cred", "action": "throw" },
                { "region": "nic1-mmio", "action": "throw" }
              ] },
              "modules": [ { "module": "ghost", "defaultAction": "throw" } ]
            }
            """, "policy.json");
        var regions = RegionSet.Create([new InstanceRegion("current-cred", new Credentials(), 0, -1)], [new AddressRegion("nic0-mmio", 0x1000, 16)]);
        var d = PolicyChecker.Check(policy, [Manifest()], regions);
        Assert.Equal(
        [
            (PolicyCodes.UnknownMember, 5, 5, PolicySeverity.Warning),
            (PolicyCodes.UnknownMember, 6, 5, PolicySeverity.Warning),
            (PolicyCodes.UnknownMember, 8, 5, PolicySeverity.Warning),
            (PolicyCodes.UnknownMember, 10, 5, PolicySeverity.Warning),
            (PolicyCodes.UnknownRegion, 12, 5, PolicySeverity.Error),
            (PolicyCodes.UnknownModule, 14, 16, PolicySeverity.Warning),
        ], d.Select(x => (x.Code, x.Line, x.Column, x.Severity)));
        Assert.Contains("has no field 'Gidd'", d[0].Message);
        Assert.Contains("nic0-mmio", d[4].Message); // lists what is registered
        Assert.StartsWith("policy.json(12,5): error WVR2102:", d[4].ToString());

        // Without a region set, each region name gets one warning.
        var unchecked_ = PolicyChecker.Check(policy, [Manifest()]).Where(x => x.Code == PolicyCodes.UncheckedRegion).ToList();
        Assert.Equal(2, unchecked_.Count);
        Assert.All(unchecked_, x => Assert.Equal(PolicySeverity.Warning, x.Severity));
    }

    [Fact]
    public void Checker_of_assembly_files_reports_unreadable_modules()
    {
        var policy = PolicyFile.Parse("{ }");
        var self = typeof(ToolingTests).Assembly.Location; // not woven: no manifest
        var d = Assert.Single(PolicyChecker.CheckAssemblies(policy, [self]));
        Assert.Equal(PolicyCodes.BadModule, d.Code);
        Assert.Null(PolicyChecker.ReadManifest(self));
    }

    [Fact]
    public void Formatter_shows_table_verdicts_rules_instances_and_ranges()
    {
        var cred = new Credentials();
        var policy = PolicyFile.Parse("""
            {
              "default": { "defaultAction": "audit", "rules": [
                { "field": "Kernel.Credentials::Uid", "action": "throw" },
                { "region": "current-cred", "action": "quarantine" },
                { "region": "nic0-mmio", "action": "throw" }
              ] }
            }
            """, "policy.json");
        var regions = RegionSet.Create([new InstanceRegion("current-cred", cred, 0, -1)], [new AddressRegion("nic0-mmio", 0x1000, 0x100)]);
        var text = PolicyFormatter.Show(policy, Manifest(), regions);
        Assert.Contains("Module e1000e: 5 targets, 5 sites", text);
        Assert.Matches(@"0\s+InstanceField\s+2 instances\s+throw\s+Kernel.Credentials::Uid \[Kernel\]\s+rule 'throw field Kernel.Credentials::Uid' \[default\] \(line 3\)", text);
        Assert.Matches(@"1\s+StaticField\s+1 verdict\s+audit\s+Kernel.KernelConfig::SecureBoot", text);
        Assert.Matches(@"2\s+InstanceField\s+0 unchecked\s+allow\s+E1000e.Ring::Head", text);
        Assert.Matches(@"3\s+Address\s+3 ranges", text);
        Assert.Contains("current-cred: Kernel.Credentials (all fields) -> quarantine", text);
        Assert.Contains("[0x1000, 0x1100) nic0-mmio: throw", text);

        var m = ModuleRegistry.Register(Manifest());
        Registered.Add(m);
        GuardPolicies.Install(policy);
        Assert.Contains("Module e1000e", PolicyFormatter.Show(m));
    }

    [Fact]
    public void Violation_log_is_bounded_and_Raised_sees_every_violation()
    {
        var b = new ModuleBuilder("e1000e");
        int uid = b.Field("Kernel.Credentials::Uid");
        var m = b.Register();
        GuardPolicies.Install(Rules(R(RuleSelector.Field, "Kernel.Credentials::Uid", GuardAction.Audit)));
        var seen = new List<GuardViolation>();
        Action<GuardViolation> record = seen.Add;
        Action<GuardViolation> broken = _ => throw new InvalidOperationException("subscriber bug");
        Violations.Raised += broken;
        Violations.Raised += record;
        try
        {
            Violations.Capacity = 4;
            for (int i = 0; i < 10; i++) Guard.StoreField(new Credentials(), uid, uid, m); // audit: no throw, even with a broken subscriber
        }
        finally
        {
            Violations.Raised -= broken;
            Violations.Raised -= record;
        }
        Assert.Equal(10, seen.Count);
        Assert.Equal(10, Violations.Total);
        var recent = Violations.Recent();
        Assert.Equal(4, recent.Count);
        Assert.Equal(seen.Skip(6), recent);
        Violations.Capacity = 2; // shrinking keeps the newest and the total
        Assert.Equal(seen.Skip(8), Violations.Recent());
        Assert.Equal(10, Violations.Total);
        Violations.Capacity = 8;
        Assert.Equal(seen.Skip(8), Violations.Recent());
        Guard.StoreField(new Credentials(), uid, uid, m);
        Assert.Equal(3, Violations.Recent().Count);
    }

    [Fact]
    public void Metrics_count_slow_checks_violations_by_module_and_action_and_policy_loads()
    {
        var b = new ModuleBuilder("metered");
        int uid = b.Field("Kernel.Credentials::Uid");
        int euid = b.Field("Kernel.Credentials::Euid");
        int pid = b.Field("Kernel.TaskBase::Pid");
        var m = b.Register();
        var counts = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GuardMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name + string.Concat(tags.ToArray().OrderBy(t => t.Key).Select(t => $"|{t.Key}={t.Value}"));
            lock (counts) counts[key] = counts.GetValueOrDefault(key) + value;
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            lock (counts) counts[instrument.Name] = value;
        });
        listener.Start();

        GuardPolicies.Install(Rules(R(RuleSelector.Field, "Kernel.Credentials::Uid", GuardAction.Throw), R(RuleSelector.Field, "Kernel.Credentials::Euid", GuardAction.Audit)));
        var cred = new Credentials();
        for (int i = 0; i < 3; i++) Assert.Throws<GuardViolationException>(() => Guard.StoreField(cred, uid, uid, m));
        for (int i = 0; i < 2; i++) Guard.StoreField(cred, euid, euid, m);
        for (int i = 0; i < 5; i++) Guard.StoreField(new KernelTask(), pid, pid, m); // fast path: not counted
        Assert.Throws<PolicyException>(() => GuardPolicies.LoadFile(Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".json")));
        listener.RecordObservableInstruments();

        lock (counts)
        {
            Assert.Equal(3, counts["guard.violations|action=throw|module=metered"]);
            Assert.Equal(2, counts["guard.violations|action=audit|module=metered"]);
            Assert.Equal(5, counts["guard.slow_checks|module=metered"]);
            Assert.True(counts["guard.policy_loads|outcome=ok"] >= 1);
            Assert.Equal(1, counts["guard.policy_loads|outcome=error"]);
            Assert.True(counts["guard.modules"] >= 1);
            Assert.Equal(0, counts["guard.quarantined_modules"]);
        }
    }
}
