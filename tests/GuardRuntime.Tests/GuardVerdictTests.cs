using System.Runtime.InteropServices;
using Kernel;

namespace GuardRuntime.Tests;

public sealed class GuardVerdictTests : GuardTest
{
    public static TheoryData<string, GuardAction> KindsAndActions()
    {
        var data = new TheoryData<string, GuardAction>();
        foreach (var kind in new[] { "field", "type", "type-wildcard", "namespace", "static", "instance", "array", "array-range", "address" })
            foreach (var action in Enum.GetValues<GuardAction>())
                data.Add(kind, action);
        return data;
    }

    /// <summary>
    /// For each kind of region and each action: the store the rule covers gets the action, a store it does not cover
    /// goes ahead, and after a quarantine every later store of the module is refused.
    /// </summary>
    [Theory]
    [MemberData(nameof(KindsAndActions))]
    public unsafe void Each_region_kind_gets_each_action(string kind, GuardAction action)
    {
        var b = new ModuleBuilder("e1000e");
        int uid = b.Field("Kernel.Credentials::Uid");
        int euid = b.Field("Kernel.Credentials::Euid");
        int pid = b.Field("Kernel.TaskBase::Pid");
        int len = b.Field("Kernel.Net.SkBuff::Len");
        int secureBoot = b.Static("Kernel.KernelConfig::SecureBoot");
        int i8 = b.Array("i8");
        int ptr = b.Address();
        var m = b.Register();

        var cred = new Credentials();
        var other = new Credentials();
        var task = new KernelTask();
        var table = new long[16];
        var mem = (byte*)NativeMemory.AllocZeroed(64);
        try
        {
            (RuleSelector selector, string pattern, Action hit, Action miss) = kind switch
            {
                "field" => (RuleSelector.Field, "Kernel.Credentials::Uid", (Action)(() => Guard.StoreField(cred, uid, uid, m)), (Action)(() => Guard.StoreField(cred, euid, euid, m))),
                "type" => (RuleSelector.Type, "Kernel.Credentials", (Action)(() => Guard.StoreField(cred, euid, euid, m)), () => Guard.StoreField(task, pid, pid, m)),
                "type-wildcard" => (RuleSelector.Field, "Kernel.Credentials::*", (Action)(() => Guard.StoreField(cred, euid, euid, m)), () => Guard.StoreField(task, pid, pid, m)),
                "namespace" => (RuleSelector.Namespace, "Kernel.Net", (Action)(() => Guard.StoreField(new Kernel.Net.SkBuff(), len, len, m)), () => Guard.StoreField(cred, uid, uid, m)),
                "static" => (RuleSelector.Field, "Kernel.KernelConfig::SecureBoot", (Action)(() => Guard.StoreStatic(secureBoot, secureBoot, m)), () => Guard.StoreField(cred, uid, uid, m)),
                "instance" => (RuleSelector.Region, "current-cred", (Action)(() => Guard.StoreField(cred, uid, uid, m)), () => Guard.StoreField(other, uid, uid, m)),
                "array" => (RuleSelector.Region, "syscall-table", (Action)(() => Guard.StoreElement(table, 3, i8, i8, m)), () => Guard.StoreElement(new long[4], 3, i8, i8, m)),
                "array-range" => (RuleSelector.Region, "syscall-table", (Action)(() => Guard.StoreElement(table, 5, i8, i8, m)), () => Guard.StoreElement(table, 3, i8, i8, m)),
                "address" => (RuleSelector.Region, "nic0-mmio", (Action)(() => StoreAt((nint)(mem + 12), 8, ptr, m)), () => StoreAt((nint)(mem + 4), 8, ptr, m)),
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            };
            switch (kind)
            {
                case "instance": Regions.Protect(cred, "current-cred"); break;
                case "array": Regions.Protect(table, "syscall-table"); break;
                case "array-range": Regions.ProtectElements(table, 4, 4, "syscall-table"); break;
                case "address": Regions.ProtectRange((nint)(mem + 16), 16, "nic0-mmio"); break;
            }
            GuardPolicies.Install(Rules(R(selector, pattern, action)));

            Assert.Equal(GuardAction.Allow, Outcome(miss));
            Assert.Equal(action, Outcome(hit));
            if (action == GuardAction.Quarantine)
            {
                Assert.True(m.IsQuarantined);
                Assert.Equal(GuardAction.Quarantine, Outcome(miss)); // every later store is refused
                Assert.Throws<ModuleQuarantinedException>(m.ThrowIfQuarantined);
                GuardPolicies.Install(Policy.AllowAll);                // a new policy does not lift a quarantine
                Assert.Equal(GuardAction.Quarantine, Outcome(miss));
            }
            else
            {
                Assert.False(m.IsQuarantined);
                m.ThrowIfQuarantined();
            }
            var recorded = Violations.Recent();
            Assert.Equal(action == GuardAction.Allow ? 0 : action == GuardAction.Quarantine ? 3 : 1, recorded.Count);
            if (action != GuardAction.Allow)
            {
                Assert.Equal(action, recorded[0].Action);
                Assert.Equal("e1000e", recorded[0].Module);
                Assert.Contains("Driver.cs", recorded[0].ToString());
            }
        }
        finally
        {
            NativeMemory.Free(mem);
        }
    }

    [Fact]
    public void Halt_records_the_violation_before_stopping_and_the_store_never_happens()
    {
        var b = new ModuleBuilder("hostile");
        int uid = b.Field("Kernel.Credentials::Uid");
        var m = b.Register();
        GuardPolicies.Install(Rules(R(RuleSelector.Field, "Kernel.Credentials::Uid", GuardAction.Halt)));
        string? message = null;
        var saved = ModulePolicy.HaltHandler;
        ModulePolicy.HaltHandler = s => message = s;
        try
        {
            Assert.Throws<GuardViolationException>(() => Guard.StoreField(new Credentials(), uid, uid, m));
        }
        finally
        {
            ModulePolicy.HaltHandler = saved;
        }
        Assert.StartsWith("Guard halt: Module 'hostile' wrote Kernel.Credentials::Uid", message);
        Assert.Equal(GuardAction.Halt, Assert.Single(Violations.Recent()).Action);
        Assert.Equal(GuardAction.Halt, m.Policy.VerdictFor(uid)!.Action);
    }

    [Fact]
    public void Own_fields_are_never_checked_unless_a_rule_names_them()
    {
        var b = new ModuleBuilder("e1000e");
        int own = b.Field("E1000e.Ring::Head", "e1000e");
        int host = b.Field("Kernel.Credentials::Uid");
        int ownNamed = b.Field("E1000e.Ring::Tail", "e1000e");
        var m = b.Register();
        GuardPolicies.Install(new Policy
        {
            Default = new PolicySection { DefaultAction = GuardAction.Throw, Rules = [R(RuleSelector.Field, "E1000e.Ring::Tail", GuardAction.Audit)] },
        });
        Assert.Equal(ModulePolicy.Unchecked, m.Policy.Table[own]);
        Assert.Equal(GuardAction.Allow, Outcome(() => Guard.StoreField(new object(), own, own, m)));
        Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreField(new Credentials(), host, host, m)));
        Assert.Equal(GuardAction.Audit, Outcome(() => Guard.StoreField(new object(), ownNamed, ownNamed, m)));
    }

    [Fact]
    public void Calls_are_checked_by_method_and_by_type_wildcard()
    {
        var b = new ModuleBuilder("e1000e");
        int set = b.Call("Kernel.Scheduler::SetCurrent");
        int yield = b.Call("Kernel.Scheduler::Yield");
        int log = b.Call("Kernel.Log::Write");
        var m = b.Register();
        GuardPolicies.Install(Rules(
            R(RuleSelector.Call, "Kernel.Scheduler::*", GuardAction.Throw),
            R(RuleSelector.Call, "Kernel.Scheduler::Yield", GuardAction.Allow)));
        Assert.Equal(GuardAction.Throw, Outcome(() => Guard.Call(set, set, m)));
        Assert.Equal(GuardAction.Allow, Outcome(() => Guard.Call(yield, yield, m)));
        Assert.Equal(GuardAction.Allow, Outcome(() => Guard.Call(log, log, m)));
    }

    [Fact]
    public void Base_type_fields_of_a_protected_instance_are_protected()
    {
        var b = new ModuleBuilder("e1000e");
        int pid = b.Field("Kernel.TaskBase::Pid");
        var m = b.Register();
        var task = new KernelTask();
        Regions.Protect(task, "init-task");
        GuardPolicies.Install(Rules(R(RuleSelector.Region, "init-task", GuardAction.Throw)));
        Assert.Equal(ModulePolicy.InstanceLookup, m.Policy.Table[pid]);
        Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreField(task, pid, pid, m)));
        Assert.Equal(GuardAction.Allow, Outcome(() => Guard.StoreField(new KernelTask(), pid, pid, m)));
        Regions.Unprotect(task); // a region change recompiles
        Assert.Equal(GuardAction.Allow, Outcome(() => Guard.StoreField(task, pid, pid, m)));
    }

    [Fact]
    public void Enum_and_unsigned_arrays_share_the_storage_class_of_their_width()
    {
        var b = new ModuleBuilder("e1000e");
        int i4 = b.Array("i4");
        int unknown = b.Array("?");
        int r8 = b.Array("r8");
        var m = b.Register();
        var states = new DayOfWeek[8];
        Regions.Protect(states, "states");
        GuardPolicies.Install(Rules(R(RuleSelector.Region, "states", GuardAction.Throw)));
        Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreElement(states, 1, i4, i4, m)));
        Assert.Equal(GuardAction.Throw, Outcome(() => Guard.StoreElement(states, 1, unknown, unknown, m)));
        Assert.Equal(ModulePolicy.Unchecked, m.Policy.Table[r8]);
    }
}
