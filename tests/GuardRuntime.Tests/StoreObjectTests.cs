using System.Reflection;
using GuardRuntime.Abi;
using GuardRuntime.Effects;
using Kernel;

namespace GuardRuntime.Tests;

/// <summary>
/// <c>Guard.StoreObject</c>: a framework call that may write a whole object. Strings and boxed values are refused under
/// every policy; protected instances, protected array ranges, framework collections' storage and type rules decide
/// the rest.
/// </summary>
public sealed class StoreObjectTests : GuardTest
{
    [Fact]
    public void Strings_and_boxed_values_are_never_writable_even_under_allow_all()
    {
        var b = new ModuleBuilder("mod");
        int obj = b.Object();
        var m = b.Register();
        GuardPolicies.Install(Policy.AllowAll);
        Assert.Equal(ModulePolicy.Unchecked, m.Policy.Table[obj]);
        Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreObject(new string('x', 3), obj, obj, m)));
        Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreObject(42, obj, obj, m)));
        Assert.Equal(GuardAction.Allow, Outcome(() => Guard.StoreObject(new List<int>(), obj, obj, m)));
        Assert.Equal(GuardAction.Allow, Outcome(() => Guard.StoreObject(null, obj, obj, m)));
    }

    [Fact]
    public void Protected_instances_array_ranges_and_a_list_s_storage_are_denied_as_whole_objects()
    {
        var b = new ModuleBuilder("mod");
        int obj = b.Object();
        var m = b.Register();
        var cred = new Credentials();
        var table = new int[16];
        var tasks = new List<int>(16) { 1, 2, 3 };
        var backing = (int[])typeof(List<int>).GetField("_items", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(tasks)!;
        Regions.Protect(cred, "cred");
        Regions.ProtectElements(table, 4, 8, "table");
        Regions.ProtectElements(backing, 0, 16, "tasks");
        GuardPolicies.Install(Rules(R(RuleSelector.Region, "cred", GuardAction.Throw), R(RuleSelector.Region, "table", GuardAction.Throw),
            R(RuleSelector.Region, "tasks", GuardAction.Throw)));
        Assert.Equal(ModulePolicy.ObjectLookup, m.Policy.Table[obj]);
        Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreObject(cred, obj, obj, m)));
        Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreObject(table, obj, obj, m)));
        Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreObject(tasks, obj, obj, m)));
        Assert.Equal(GuardAction.Allow, Outcome(() => Guard.StoreObject(new int[16], obj, obj, m)));
        Assert.Equal(GuardAction.Allow, Outcome(() => Guard.StoreObject(new List<int> { 1 }, obj, obj, m)));
    }

    [Fact]
    public void A_type_rule_denies_the_whole_object_of_that_type_and_not_others()
    {
        var b = new ModuleBuilder("mod");
        int obj = b.Object();
        var m = b.Register();
        GuardPolicies.Install(Rules(R(RuleSelector.Field, "Kernel.Credentials::Uid", GuardAction.Throw)));
        Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreObject(new Credentials(), obj, obj, m)));
        Assert.Equal(GuardAction.Allow, Outcome(() => Guard.StoreObject(new KernelTask(), obj, obj, m)));
    }

    [Fact]
    public void Every_abi_member_resolves_and_store_object_is_one_of_them()
    {
        foreach (var member in AbiDescriptor.Members)
            if (member.Name is { } name)
                Assert.True(member.DeclaringType.GetMember(name, BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance).Length > 0,
                    $"{member.TypeName}::{name} does not resolve");
        Assert.Equal(AbiRole.GuardCheck, AbiDescriptor.RoleOf("GuardRuntime.Abi", "GuardRuntime.Guard", nameof(Guard.StoreObject)));
    }

    [Fact]
    public void The_shipped_effect_model_parses_and_names_its_classes()
    {
        var model = EffectModel.Framework;
        Assert.True(model.Rules.Count > 200);
        Assert.Equal(EffectClass.Reflective, model.Classify("System.Reflection.FieldInfo", "SetValue", "System.Object,System.Object")?.Class);
        Assert.Equal(EffectClass.WritesArguments, model.Classify("System.Buffer", "SetByte", "System.Array,System.Int32,System.Byte")?.Class);
        Assert.Equal(EffectClass.WritesReceiver, model.Classify("System.Collections.Generic.IList`1", "set_Item", "System.Int32,!0")?.Class);
        Assert.Equal(EffectClass.FreesOrReallocates, model.Classify("System.Runtime.InteropServices.NativeMemory", "Free", "System.Void*")?.Class);
        Assert.Null(model.Classify("System.IO.FileStream", "Flush", ""));
        Assert.Throws<FormatException>(() => EffectModel.Parse("writes System.Array Copy"));
        Assert.Throws<FormatException>(() => EffectModel.Parse("reflective System.Type GetField"));
    }
}
