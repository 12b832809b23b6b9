using Kernel;

namespace GuardRuntime.Tests;

public sealed class PrecedenceTests : GuardTest
{
    private readonly ModuleGuard m;
    private readonly int uid, euid, comm, other;

    public PrecedenceTests()
    {
        var b = new ModuleBuilder("e1000e");
        uid = b.Field("Kernel.Credentials::Uid");
        euid = b.Field("Kernel.Credentials::Euid");
        comm = b.Field("Kernel.KernelTask::Comm");
        other = b.Field("Vendor.Firmware::Blob", "Vendor");
        m = b.Register();
    }

    [Fact]
    public void Region_beats_field_in_both_directions()
    {
        var cred = new Credentials();
        Regions.Protect(cred, "current-cred");
        GuardPolicies.Install(Rules(R(RuleSelector.Region, "current-cred", GuardAction.Allow), R(RuleSelector.Field, "Kernel.Credentials::Uid", GuardAction.Throw)));
        Assert.Equal(GuardAction.Allow, Outcome(() => Guard.StoreField(cred, uid, uid, m)));
        Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreField(new Credentials(), uid, uid, m)));

        GuardPolicies.Install(Rules(R(RuleSelector.Region, "current-cred", GuardAction.Throw), R(RuleSelector.Field, "Kernel.Credentials::Uid", GuardAction.Allow)));
        Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreField(cred, uid, uid, m)));
        Assert.Equal(GuardAction.Allow, Outcome(() => Guard.StoreField(new Credentials(), uid, uid, m)));
    }

    [Fact]
    public void Field_beats_wildcard_beats_type_beats_namespace_beats_default()
    {
        var cred = new Credentials();
        GuardPolicies.Install(new Policy
        {
            Default = new PolicySection
            {
                DefaultAction = GuardAction.Throw,
                Rules =
                [
                    R(RuleSelector.Field, "Kernel.Credentials::Uid", GuardAction.Allow),
                    R(RuleSelector.Type, "Kernel.Credentials", GuardAction.Audit),
                    R(RuleSelector.Namespace, "Kernel", GuardAction.Allow),
                ],
            },
        });
        Assert.Equal(GuardAction.Allow, Outcome(() => Guard.StoreField(cred, uid, uid, m)));   // field
        Assert.Equal(GuardAction.Audit, Outcome(() => Guard.StoreField(cred, euid, euid, m))); // type
        Assert.Equal(GuardAction.Allow, Outcome(() => Guard.StoreField(new KernelTask(), comm, comm, m))); // namespace
        Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreField(new object(), other, other, m)));   // default

        // Order in the file does not matter across specificities; Type::* sits between field and type.
        GuardPolicies.Install(Rules(
            R(RuleSelector.Field, "Kernel.Credentials::*", GuardAction.Throw),
            R(RuleSelector.Type, "Kernel.Credentials", GuardAction.Allow),
            R(RuleSelector.Field, "Kernel.Credentials::Uid", GuardAction.Audit)));
        Assert.Equal(GuardAction.Audit, Outcome(() => Guard.StoreField(cred, uid, uid, m)));
        Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreField(cred, euid, euid, m)));
    }

    [Fact]
    public void Deeper_namespace_beats_shallower()
    {
        var b = new ModuleBuilder("e1000e-2");
        int len = b.Field("Kernel.Net.SkBuff::Len");
        var m2 = b.Register();
        GuardPolicies.Install(Rules(R(RuleSelector.Namespace, "Kernel.Net", GuardAction.Allow), R(RuleSelector.Namespace, "Kernel.*", GuardAction.Throw)));
        Assert.Equal(GuardAction.Allow, Outcome(() => Guard.StoreField(new Kernel.Net.SkBuff(), len, len, m2)));
        Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreField(new Credentials(), uid, uid, m)));
    }

    [Fact]
    public void Module_section_beats_default_section_and_two_modules_get_different_verdicts()
    {
        var b = new ModuleBuilder("benign");
        int benignUid = b.Field("Kernel.Credentials::Uid");
        var benign = b.Register();
        GuardPolicies.Install(new Policy
        {
            Default = new PolicySection { Rules = [R(RuleSelector.Field, "Kernel.Credentials::Uid", GuardAction.Throw)] },
            Modules =
            [
                new ModuleSection { Module = "benign", Section = new PolicySection { Rules = [R(RuleSelector.Field, "Kernel.Credentials::Uid", GuardAction.Audit)] } },
                new ModuleSection { Module = "e1000e", Section = new PolicySection { DefaultAction = GuardAction.Quarantine } },
            ],
        });
        var cred = new Credentials();
        Assert.Equal(GuardAction.Audit, Outcome(() => Guard.StoreField(cred, benignUid, benignUid, benign)));
        Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreField(cred, uid, uid, m)));
        // e1000e's section default is quarantine: a store no rule names, outside the module, quarantines it.
        Assert.Equal(GuardAction.Quarantine, Outcome(() => Guard.StoreField(new object(), other, other, m)));
        Assert.True(m.IsQuarantined);
        Assert.False(benign.IsQuarantined);
        Assert.Equal(GuardAction.Audit, Outcome(() => Guard.StoreField(cred, benignUid, benignUid, benign)));
    }

    [Fact]
    public void Overlapping_regions_take_the_strictest_action()
    {
        var cred = new Credentials();
        Regions.Protect(cred, "a");
        Regions.Protect(cred, "b");
        GuardPolicies.Install(Rules(R(RuleSelector.Region, "a", GuardAction.Audit), R(RuleSelector.Region, "b", GuardAction.Throw)));
        var violation = Assert.Throws<GuardViolationException>(() => Guard.StoreField(cred, uid, uid, m)).Violation;
        Assert.Equal("b", violation.Region);
    }

    [Fact]
    public void A_pinned_module_with_another_hash_is_refused()
    {
        var pin = new string('a', 64);
        var b = new ModuleBuilder("pinned");
        int t = b.Field("Kernel.Credentials::Uid");
        var wrong = b.Register(sha256: new string('b', 64));
        var right = new ModuleBuilder("pinned").Also(x => x.Field("Kernel.Credentials::Uid")).Register(sha256: pin);
        var unknown = new ModuleBuilder("pinned").Also(x => x.Field("Kernel.Credentials::Uid")).Register(sha256: null);
        GuardPolicies.Install(new Policy
        {
            Modules = [new ModuleSection { Module = "pinned", Sha256 = pin.ToUpperInvariant(), Section = new PolicySection(), Line = 7 }],
        });
        Assert.Equal(GuardAction.Allow, Outcome(() => Guard.StoreField(new object(), t, t, right)));
        right.ThrowIfQuarantined();
        foreach (var refused in new[] { wrong, unknown })
        {
            Assert.True(refused.IsRefused);
            Assert.False(refused.IsQuarantined);
            Assert.Equal(GuardAction.Quarantine, Outcome(() => Guard.StoreField(new object(), t, t, refused)));
            var e = Assert.Throws<ModuleQuarantinedException>(refused.ThrowIfQuarantined);
            Assert.Contains("does not match the policy's pin", e.Message);
        }
        // Dropping the pin lets the module run again (a pin refusal is not a quarantine).
        GuardPolicies.Install(Policy.AllowAll);
        Assert.False(wrong.IsRefused);
        Assert.Equal(GuardAction.Allow, Outcome(() => Guard.StoreField(new object(), t, t, wrong)));
    }
}

internal static class BuilderExtensions
{
    public static ModuleBuilder Also(this ModuleBuilder builder, Action<ModuleBuilder> action)
    {
        action(builder);
        return builder;
    }
}
