using Kernel;

namespace GuardRuntime.Tests;

public sealed class HostApiTests : GuardTest
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "guard-tests-" + Guid.NewGuid().ToString("n"));
    private readonly ModuleGuard m;
    private readonly int uid;

    public HostApiTests()
    {
        Directory.CreateDirectory(dir);
        var b = new ModuleBuilder("e1000e");
        uid = b.Field("Kernel.Credentials::Uid");
        m = b.Register();
    }

    public override void Dispose()
    {
        base.Dispose();
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    private static string PolicyWith(string action) =>
        $$"""{ "default": { "rules": [ { "field": "Kernel.Credentials::Uid", "action": "{{action}}" } ] } }""";

    [Fact]
    public void LoadFile_installs_and_a_bad_file_keeps_the_old_policy()
    {
        var path = Path.Combine(dir, "policy.json");
        File.WriteAllText(path, PolicyWith("throw"));
        var loaded = GuardPolicies.LoadFile(path);
        Assert.Same(loaded, GuardPolicies.Current);
        Assert.Equal(path, GuardPolicies.CurrentFile);
        Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreField(new Credentials(), uid, uid, m)));

        File.WriteAllText(path, PolicyWith("deny"));
        var e = Assert.Throws<PolicyException>(() => GuardPolicies.Reload());
        Assert.Equal(PolicyCodes.UnknownAction, e.Diagnostics.Single().Code);
        Assert.Equal(path, e.Diagnostics[0].File);
        Assert.Same(loaded, GuardPolicies.Current);
        Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreField(new Credentials(), uid, uid, m)));

        File.WriteAllText(path, PolicyWith("audit"));
        GuardPolicies.Reload();
        Assert.Equal(GuardAction.Audit, Outcome(() => Guard.StoreField(new Credentials(), uid, uid, m)));
    }

    [Fact]
    public void Reload_without_a_file_is_an_error()
    {
        GuardPolicies.Install(Policy.AllowAll);
        Assert.Throws<InvalidOperationException>(() => GuardPolicies.Reload());
        Assert.Throws<InvalidOperationException>(() => GuardPolicies.Watch());
    }

    [Fact]
    public void Watch_reloads_after_a_change_and_reports_a_bad_edit()
    {
        var path = Path.Combine(dir, "policy.json");
        File.WriteAllText(path, PolicyWith("throw"));
        GuardPolicies.LoadFile(path);
        var failures = new List<PolicyException>();
        Action<PolicyException> onFail = e => { lock (failures) failures.Add(e); };
        GuardPolicies.ReloadFailed += onFail;
        try
        {
            using var watch = GuardPolicies.Watch(TimeSpan.FromMilliseconds(50));
            long generation = GuardPolicies.Generation;
            File.WriteAllText(path, PolicyWith("audit"));
            Assert.True(SpinWait.SpinUntil(() => GuardPolicies.Generation > generation, TimeSpan.FromSeconds(10)), "the watcher did not reload");
            Assert.Equal(GuardAction.Audit, Outcome(() => Guard.StoreField(new Credentials(), uid, uid, m)));

            var current = GuardPolicies.Current;
            File.WriteAllText(path, "{ \"default\": ");
            Assert.True(SpinWait.SpinUntil(() => { lock (failures) return failures.Count > 0; }, TimeSpan.FromSeconds(10)), "the watcher did not report");
            Assert.Same(current, GuardPolicies.Current);
            lock (failures) Assert.Equal(PolicyCodes.MalformedJson, failures[0].Diagnostics[0].Code);
        }
        finally
        {
            GuardPolicies.ReloadFailed -= onFail;
        }
    }

    [Fact]
    public void A_module_registered_after_install_gets_the_policy_in_force()
    {
        GuardPolicies.Install(Rules(R(RuleSelector.Field, "Kernel.Credentials::Uid", GuardAction.Throw)));
        var late = new ModuleBuilder("late").Also(b => b.Field("Kernel.Credentials::Uid")).Register();
        Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreField(new Credentials(), 0, 0, late)));
    }

    // The fast path reads the table without a bounds check: the ids are proven below the manifest's target count by
    // the load-time verifier (Weaver.Tests VerifierTests, rule id-range), so every table must cover the manifest.
    [Fact]
    public void Every_published_table_covers_every_target_of_the_manifest()
    {
        Assert.Equal(m.Manifest.Targets.Count, m.Policy.Table.Length);
        GuardPolicies.Install(Rules(R(RuleSelector.Field, "Kernel.Credentials::Uid", GuardAction.Quarantine)));
        Assert.Equal(m.Manifest.Targets.Count, m.Policy.Table.Length);
        Assert.Throws<GuardViolationException>(() => Guard.StoreField(new Credentials(), 0, 0, m));
        Assert.True(m.IsQuarantined);
        Assert.Equal(m.Manifest.Targets.Count, m.Policy.Table.Length);
        Assert.Throws<ModuleQuarantinedException>(() => Guard.StoreField(new Credentials(), 0, 0, m));
    }
}
