using GuardRuntime;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Reflection;

/// <summary>
/// Reflection is checked at run time (issue 14, item 4): a module that reflects like a serializer weaves with default
/// options, behaves identically woven and unwoven, is not stopped by a policy that protects what it never touches, and
/// every write or call it makes by reflection is decided by the rule of the compiled store or call, reported at the
/// reflection call. Hostile uses against the kernel model are in the inside red team (RedTeamTests, group "reflection").
/// </summary>
[Collection(GuardStateCollection.Name)]
public sealed class ReflectionTests
{
    private static readonly string Cases = Path.Combine(AppContext.BaseDirectory, "Reflection", "Cases");

    private static readonly Lazy<(string Unwoven, string Woven)> Workload = new(() =>
    {
        var dll = SnippetCompiler.CompileFiles([Path.Combine(Cases, "ReflectionWorkload.cs")], "ReflectionWorkload");
        return (dll, Woven.Weave(dll));
    });

    [Fact]
    public void A_reflecting_module_behaves_identically_woven_and_unwoven()
    {
        var unwoven = (string)Woven.Call(Woven.LoadUnbound(Workload.Value.Unwoven), "ReflectionCases.Workload.Run")!;
        var woven = (string)Woven.Call(Woven.Load(Workload.Value.Woven), "ReflectionCases.Workload.Run")!;
        Assert.Equal(unwoven, woven);
        Assert.Contains("dto=8/seven/1234/11/[5]", woven);
        Assert.Contains("slots=9,8,7,0", woven);
        Assert.Contains("delegates=10,", woven);
        Assert.Contains("meta=99,100;", woven);
    }

    [Fact]
    public void A_policy_that_protects_what_the_module_never_touches_stops_nothing()
    {
        var unwoven = (string)Woven.Call(Woven.LoadUnbound(Workload.Value.Unwoven), "ReflectionCases.Workload.Run")!;
        var bystander = new int[8];
        using var scope = PolicyScope.Install(PolicyFile.Parse("""
            { "version": 1, "default": { "defaultAction": "allow", "rules": [ { "region": "bystander", "action": "throw" },
                { "namespace": "Kernel", "action": "throw" }, { "field": "ReflectionCases.Other::X", "action": "throw" } ] } }
            """));
        Regions.Protect(bystander, "bystander");
        var woven = (string)Woven.Call(Woven.Load(Workload.Value.Woven), "ReflectionCases.Workload.Run")!;
        Assert.Equal(unwoven, woven);
    }

    [Fact]
    public void A_field_written_by_reflection_is_decided_by_its_field_rule_and_reported_at_the_reflection_call()
    {
        var assembly = Woven.Load(Workload.Value.Woven);
        var dto = Activator.CreateInstance(assembly.GetType("ReflectionCases.Dto")!)!;
        using var scope = PolicyScope.Install(PolicyFile.Parse("""
            { "version": 1, "default": { "defaultAction": "allow", "rules": [ { "field": "ReflectionCases.Dto::Name", "action": "throw" } ] } }
            """));
        Woven.Call(assembly, "ReflectionCases.Workload.SetField", dto, "Id", 5); // another field of the type: allowed
        var error = Assert.ThrowsAny<Exception>(() => Woven.Call(assembly, "ReflectionCases.Workload.SetField", dto, "Name", "x"));
        var violation = Assert.IsType<GuardViolationException>(error is GuardViolationException ? error : error.InnerException ?? error);
        Assert.Equal("ReflectionCases.Dto::Name", violation.Violation.Target.Name);
        Assert.Equal("ReflectionCases.Workload::SetField(Object,String,Object)", violation.Violation.Site.Method);
        Assert.Equal("", dto.GetType().GetField("Name")!.GetValue(dto));
    }

    [Fact]
    public void A_framework_writer_invoked_by_reflection_is_checked_as_the_direct_call()
    {
        var assembly = Woven.Load(Workload.Value.Woven);
        var table = Enumerable.Range(1, 8).ToArray();
        using var scope = PolicyScope.Install(Deny.Region("ReflectionWorkload", "table"));
        Regions.ProtectElements(table, 2, 2, "table");
        Assert.ThrowsAny<Exception>(() => Woven.Call(assembly, "ReflectionCases.Workload.CopyInto", table));
        Assert.Equal(Enumerable.Range(1, 8), table);
        var other = new int[8];
        Woven.Call(assembly, "ReflectionCases.Workload.CopyInto", other); // an unprotected array is written
    }

    public static TheoryData<string, string, string> RefusedCases() => new()
    {
        { "handle", "ReflectionRefusedException", "the weaver's injected state" },
        { "runtime", "ReflectionRefusedException", "runtimes are not reachable by reflection" },
        { "runtime-field", "ReflectionRefusedException", "runtimes are not reachable by reflection" },
        { "emit", "ReflectionRefusedException", "System.Reflection.Emit" },
        { "framework-private", "ReflectionRefusedException", "non-public member of the framework" },
        { "delegate-to-writer", "ReflectionRefusedException", "without the module's identity" },
        { "boxed", "GuardViolationException", "" },
    };

    [Theory]
    [MemberData(nameof(RefusedCases))]
    public void Reflection_onto_what_compiled_code_may_not_reach_is_refused_at_the_call(string what, string exception, string reason)
    {
        var message = (string)Woven.Call(Woven.Load(Workload.Value.Woven), "ReflectionCases.Workload.Refused", what)!;
        Assert.StartsWith("GuardRuntime." + exception, message);
        Assert.Contains(reason, message);
        if (exception == "ReflectionRefusedException")
            Assert.Contains("at ReflectionCases.Workload::Refused(String) at IL_", message);
    }

    [Fact]
    public void Unwoven_the_refused_reflection_runs()
    {
        var unwoven = Woven.LoadUnbound(Workload.Value.Unwoven);
        Assert.Equal("ran", Woven.Call(unwoven, "ReflectionCases.Workload.Refused", "framework-private"));
        Assert.Equal("ran", Woven.Call(unwoven, "ReflectionCases.Workload.Refused", "boxed"));
    }
}
