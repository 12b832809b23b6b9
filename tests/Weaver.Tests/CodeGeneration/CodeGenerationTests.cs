using GuardRuntime;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.CodeGeneration;

/// <summary>
/// Code a module generates at run time is woven as it is generated (issue 14, item 5) and code it loads must be woven
/// and verified (item 6). The cases are real .cs files under CodeGeneration/Cases; hostile modules against the kernel
/// model are in the outside red team (RedTeam/Outside/Attacks/CodeGeneration).
/// </summary>
[Collection(GuardStateCollection.Name)]
public sealed class CodeGenerationTests
{
    private static readonly string Cases = Path.Combine(AppContext.BaseDirectory, "CodeGeneration", "Cases");

    private static readonly Lazy<(string Unwoven, string Woven)> Workload = new(() => Build("GeneratedCodeWorkload"));
    private static readonly Lazy<(string Unwoven, string Woven)> RefusalCases = new(() => Build("RunTimeRefusals"));

    private static (string, string) Build(string name)
    {
        var dll = SnippetCompiler.CompileFiles([Path.Combine(Cases, name + ".cs")], "CodeGen" + name);
        return (dll, Woven.Weave(dll));
    }

    [Fact]
    public void Generated_code_behaves_identically_woven_and_unwoven_under_allow_all()
    {
        var unwoven = (string)Woven.Call(Woven.LoadUnbound(Workload.Value.Unwoven), "CodeGenCases.Workload.Run")!;
        var woven = (string)Woven.Call(Woven.Load(Workload.Value.Woven), "CodeGenCases.Workload.Run")!;
        Assert.Equal(unwoven, woven);
        Assert.Contains("sum=115;", woven);
        Assert.Contains("nested=144;", woven);
    }

    [Fact]
    public void Generated_code_is_not_stopped_by_a_policy_that_protects_objects_it_never_touches()
    {
        var unwoven = (string)Woven.Call(Woven.LoadUnbound(Workload.Value.Unwoven), "CodeGenCases.Workload.Run")!;
        var bystander = new int[8];
        using var scope = PolicyScope.Install(PolicyFile.Parse("""
            { "version": 1, "default": { "defaultAction": "allow", "rules": [ { "region": "bystander", "action": "throw" },
                { "namespace": "Kernel", "action": "throw" }, { "field": "CodeGenCases.Acc::Secret", "action": "throw" } ] } }
            """));
        Regions.Protect(bystander, "bystander");
        var woven = (string)Woven.Call(Woven.Load(Workload.Value.Woven), "CodeGenCases.Workload.Run")!;
        Assert.Equal(unwoven, woven);
    }

    [Fact]
    public void Generated_stores_are_decided_by_the_module_policy_and_reported_at_their_site()
    {
        var assembly = Woven.Load(Workload.Value.Woven);
        using var scope = PolicyScope.Install(PolicyFile.Parse("""
            { "version": 1, "default": { "defaultAction": "allow", "rules": [ { "field": "CodeGenCases.Acc::Total", "action": "throw" } ] } }
            """));
        var error = Assert.ThrowsAny<Exception>(() => Woven.Call(assembly, "CodeGenCases.Workload.Run"));
        var violation = Assert.IsType<GuardViolationException>(error is GuardViolationException ? error : error.InnerException ?? error);
        Assert.Equal("CodeGenCases.Acc::Total", violation.Violation.Target.Name);
        Assert.Contains("DynamicMethod 'Set'", violation.Violation.Site.Method);
    }

    public static TheoryData<string, string> RefusedRoutes() => new()
    {
        { "Calli", "indirect call (calli)" },
        { "UnsafeAs", "System.Runtime.CompilerServices.Unsafe" },
        { "OwnerOfAnotherAssembly", "the owner System.String is a type of another assembly" },
        { "StringFieldWrite", "non-public field of another assembly" },
        { "ObjectSlotPointer", "the address of a slot holding an object reference other than as a reference" },
        { "QueryableTree", "takes an expression tree and compiles or interprets it" },
        { "LoadGarbage", "load-time verifier rejected" },
        { "LoadFrameworkFileByPath", "the load-time verifier rejected the assembly" },
        { "LoadGuardRuntimeByName", "guard runtime" },
    };

    [Theory]
    [MemberData(nameof(RefusedRoutes))]
    public void A_route_no_check_covers_is_refused_at_run_time_naming_module_api_and_reason(string route, string reason)
    {
        var message = (string)Woven.Call(Woven.Load(RefusalCases.Value.Woven), "CodeGenCases.Refusals." + route)!;
        Assert.StartsWith("GuardRuntime.CodeGenerationRefusedException: Module 'CodeGenRunTimeRefusals':", message);
        Assert.True(message.Contains(reason, StringComparison.Ordinal), message);
    }

    [Fact]
    public void A_library_that_falls_back_when_emission_is_refused_keeps_working()
    {
        var woven = (string)Woven.Call(Woven.Load(RefusalCases.Value.Woven), "CodeGenCases.Refusals.TypeBuilderWithFallback")!;
        Assert.StartsWith("fallback after: Module 'CodeGenRunTimeRefusals': System.Reflection.Emit.AssemblyBuilder::DefineDynamicAssembly", woven);
        var unwoven = (string)Woven.Call(Woven.LoadUnbound(RefusalCases.Value.Unwoven), "CodeGenCases.Refusals.TypeBuilderWithFallback")!;
        Assert.Equal("emitted Gen", unwoven);
    }

    [Fact]
    public void Loading_the_shared_framework_by_name_is_allowed()
    {
        var message = (string)Woven.Call(Woven.Load(RefusalCases.Value.Woven), "CodeGenCases.Refusals.LoadFrameworkByName")!;
        Assert.Equal("ran", message);
    }

    [Fact]
    public void Every_refusal_is_at_run_time_so_the_module_weaves_with_default_options() =>
        Assert.True(File.Exists(RefusalCases.Value.Woven));

    [Fact]
    public void Assembly_Load_refuses_an_unwoven_assembly_even_when_it_has_no_store()
    {
        var plain = SnippetCompiler.Compile("public static class Plain { public static int F() => 1; }", "CodeGenPlain");
        var message = (string)Woven.Call(Woven.Load(RefusalCases.Value.Woven), "CodeGenCases.Refusals.LoadBytes", File.ReadAllBytes(plain))!;
        Assert.True(message.Contains("the assembly is not woven", StringComparison.Ordinal), message);
    }

    [Fact]
    public void Assembly_Load_refuses_an_unwoven_assembly_with_stores_through_the_verifier()
    {
        var message = (string)Woven.Call(Woven.Load(RefusalCases.Value.Woven), "CodeGenCases.Refusals.LoadBytes",
            File.ReadAllBytes(Workload.Value.Unwoven))!;
        Assert.True(message.Contains("the load-time verifier rejected the assembly", StringComparison.Ordinal), message);
    }

    [Fact]
    public void Assembly_Load_of_a_woven_verified_assembly_loads_it_into_the_module_context_under_the_module_name()
    {
        var helper = Woven.Weave(SnippetCompiler.Compile(
            "public static class Helper { public static int[] Data = new int[1]; public static void Poke() { Data[0] = 1; } }",
            "CodeGenHelper"));
        var module = Woven.Load(RefusalCases.Value.Woven);
        var name = (string)Woven.Call(module, "CodeGenCases.Refusals.LoadedName", File.ReadAllBytes(helper))!;
        Assert.StartsWith("CodeGenHelper,", name);
        var context = System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(module)!;
        var loaded = Assert.Single(context.Assemblies, a => a.GetName().Name == "CodeGenHelper");
        Assert.Equal(ModuleBindings.Of(module)?.Name, ModuleBindings.Of(loaded)?.Name);
    }
}
