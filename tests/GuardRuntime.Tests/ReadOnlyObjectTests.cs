using System.Runtime.CompilerServices;
using Kernel;

namespace GuardRuntime.Tests;

/// <summary>An object the host marks read-only is denied to every module whatever the policy says.</summary>
public sealed class ReadOnlyObjectTests : GuardTest
{
    [Fact]
    public void A_read_only_object_is_denied_under_allow_all_and_against_an_allow_rule_naming_it()
    {
        var b = new ModuleBuilder("mod");
        int uid = b.Field("Kernel.Credentials::Uid");
        int address = b.Address();
        int obj = b.Object();
        var m = b.Register();
        var shared = new Credentials();
        var other = new Credentials();
        Regions.ProtectReadOnly(shared, "shared-cred");

        foreach (var policy in new[] { Policy.AllowAll, Rules(R(RuleSelector.Region, "shared-cred", GuardAction.Allow)) })
        {
            GuardPolicies.Install(policy);
            Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreField(shared, uid, uid, m)));
            Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreObject(shared, obj, obj, m)));
            Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreAddress(ref Unsafe.As<int, byte>(ref shared.Uid), 4, address, address, m)));
            // Its neighbour of the same type is writable: the mark is on the object, not the type.
            Assert.Equal(GuardAction.Allow, Outcome(() => Guard.StoreField(other, uid, uid, m)));
        }
    }

    [Fact]
    public void A_read_only_array_covers_every_element()
    {
        var b = new ModuleBuilder("mod");
        int element = b.Array("i8");
        var m = b.Register();
        var table = new long[8];
        Regions.ProtectReadOnly(table);
        GuardPolicies.Install(Policy.AllowAll);
        Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreElement(table, 7, element, element, m)));
        Assert.Equal(GuardAction.Allow, Outcome(() => Guard.StoreElement(new long[8], 7, element, element, m)));
    }
}
