using Kernel;

namespace GuardRuntime.Tests;

public sealed class ConcurrencyTests : GuardTest
{
    [Fact]
    public void Hot_reload_under_concurrent_stores_gives_whole_verdicts_and_loses_no_violation()
    {
        var b = new ModuleBuilder("e1000e");
        int uid = b.Field("Kernel.Credentials::Uid");
        int euid = b.Field("Kernel.Credentials::Euid");
        var m = b.Register();
        var cred = new Credentials();
        Regions.Protect(cred, "current-cred");
        // Policy A: Uid throws, Euid is audited (region allow for the protected object).
        // Policy B: Uid is audited, Euid throws, and the protected object throws for every field.
        var a = Rules(R(RuleSelector.Field, "Kernel.Credentials::Uid", GuardAction.Throw), R(RuleSelector.Field, "Kernel.Credentials::Euid", GuardAction.Audit),
            R(RuleSelector.Region, "current-cred", GuardAction.Allow));
        var bp = Rules(R(RuleSelector.Field, "Kernel.Credentials::Uid", GuardAction.Audit), R(RuleSelector.Field, "Kernel.Credentials::Euid", GuardAction.Throw),
            R(RuleSelector.Region, "current-cred", GuardAction.Throw));
        GuardPolicies.Install(a);

        long raisedThrows = 0, raisedAudits = 0;
        Action<GuardViolation> handler = v =>
        {
            if (v.Action == GuardAction.Throw) Interlocked.Increment(ref raisedThrows);
            else if (v.Action == GuardAction.Audit) Interlocked.Increment(ref raisedAudits);
        };
        Violations.Raised += handler;
        try
        {
            const int threads = 4, stores = 5000;
            long throws = 0, quiet = 0, silentOnProtected = 0;
            var running = true;
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                var mine = new Credentials();
                for (int i = 0; i < stores; i++)
                {
                    int target = (i & 1) == 0 ? uid : euid;
                    var obj = (i % 3) == 0 ? cred : mine;
                    try
                    {
                        Guard.StoreField(obj, target, target, m);
                        Interlocked.Increment(ref quiet);
                        // Only policy A allows the protected object, and only silently (region allow): no other verdict is silent.
                        if (obj == cred) Interlocked.Increment(ref silentOnProtected);
                    }
                    catch (GuardViolationException e)
                    {
                        Assert.Equal(GuardAction.Throw, e.Violation.Action);
                        Interlocked.Increment(ref throws);
                    }
                }
            })).ToList();
            workers.ForEach(w => w.Start());
            var toggler = new Thread(() =>
            {
                bool flip = false;
                while (Volatile.Read(ref running)) GuardPolicies.Install((flip = !flip) ? bp : a);
            });
            toggler.Start();
            workers.ForEach(w => w.Join());
            Volatile.Write(ref running, false);
            toggler.Join();

            long total = (long)threads * stores;
            Assert.Equal(total, throws + quiet);
            Assert.Equal(throws, raisedThrows);                    // every throw was recorded
            Assert.Equal(quiet - silentOnProtected, raisedAudits); // every non-region store that went ahead was audited
            Assert.Equal(throws + raisedAudits, Violations.Total); // the log total counts them all
            Assert.True(GuardPolicies.Generation > 2);
        }
        finally
        {
            Violations.Raised -= handler;
        }
    }

    [Fact]
    public void Quarantine_racing_with_installs_is_never_lost()
    {
        var b = new ModuleBuilder("hostile");
        int uid = b.Field("Kernel.Credentials::Uid");
        var m = b.Register();
        var quarantine = Rules(R(RuleSelector.Field, "Kernel.Credentials::Uid", GuardAction.Quarantine));
        GuardPolicies.Install(quarantine);
        var running = true;
        var installer = new Thread(() => { while (Volatile.Read(ref running)) GuardPolicies.Install(quarantine); });
        installer.Start();
        Assert.Throws<GuardViolationException>(() => Guard.StoreField(new Credentials(), uid, uid, m));
        for (int i = 0; i < 200; i++)
            Assert.Throws<ModuleQuarantinedException>(() => Guard.StoreField(new Credentials(), uid, uid, m));
        Volatile.Write(ref running, false);
        installer.Join();
        Assert.True(m.IsQuarantined);
        Assert.Equal(ModulePolicy.Refused, m.Policy.Table[uid]);
    }
}
