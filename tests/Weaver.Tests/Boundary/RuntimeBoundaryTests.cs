using Mono.Cecil;
using Weaver.Engine.Pipeline;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Boundary;

/// <summary>
/// The weaver refuses every reference from a module to the runtimes but the [Memoize] annotation. Each case is a real
/// .cs file under Boundary/Cases carrying its expectation as an assembly attribute; the case is compiled against the
/// host runtimes (as an attacker can), woven with default options, and the diagnostics compared.
/// </summary>
public class RuntimeBoundaryTests
{
    private static readonly string CasesDirectory = Path.Combine(AppContext.BaseDirectory, "Boundary", "Cases");
    private static readonly string ExpectationsFile = Path.Combine(CasesDirectory, "ExpectRefusalAttribute.cs");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(CasesDirectory, "*.cs").Where(f => f != ExpectationsFile).Order())
            data.Add(Path.GetFileNameWithoutExtension(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_is_refused_or_accepted_as_it_expects(string name)
    {
        var dll = SnippetCompiler.CompileFiles([ExpectationsFile, Path.Combine(CasesDirectory, name + ".cs")], "Boundary" + name, host: true);
        var (code, mentions) = Expectation(dll);
        var output = Path.Combine(Path.GetDirectoryName(dll)!, "woven", name + ".dll");
        var result = new WeavePipeline().Run(new WeaveOptions { InputPath = dll, OutputPath = output });
        var errors = result.Diagnostics.Where(d => d.Severity == Engine.Diagnostics.DiagnosticSeverity.Error
                                                  && d.Code != Engine.Diagnostics.DiagnosticCodes.RefusalSummary).ToList();
        if (code is null)
        {
            Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
            return;
        }
        Assert.False(result.Succeeded, name + " was woven");
        Assert.False(File.Exists(output), "a refused module must not be written");
        var text = string.Join("\n", errors.Select(e => e.ToString()));
        Assert.All(errors, e => Assert.Equal(code, e.Code));
        foreach (var mention in mentions) Assert.Contains(mention, text);
        // More than one error: the weave closes with one summary of them (WVR0012).
        Assert.Equal(errors.Count > 1 ? 1 : 0, result.Diagnostics.Count(d => d.Code == Engine.Diagnostics.DiagnosticCodes.RefusalSummary));
    }

    [Fact]
    public void A_use_inside_a_body_names_the_method_the_IL_offset_and_the_source_line()
    {
        var dll = SnippetCompiler.CompileFiles([ExpectationsFile, Path.Combine(CasesDirectory, "CallsPolicyInstall.cs")], "BoundaryLines", host: true);
        var result = new WeavePipeline().Run(new WeaveOptions { InputPath = dll, OutputPath = dll + ".out" });
        // Both uses on the line are reported (Policy.AllowAll and GuardPolicies.Install), each where it is.
        var errors = result.Diagnostics.Where(d => d.Severity == Engine.Diagnostics.DiagnosticSeverity.Error
                                                  && d.Code != Engine.Diagnostics.DiagnosticCodes.RefusalSummary).ToList();
        Assert.Equal(2, errors.Count);
        Assert.All(errors, error =>
        {
            Assert.Matches(@"IL_[0-9a-f]{4}", error.Message);
            Assert.EndsWith("CallsPolicyInstall.cs", error.File);
            Assert.Equal(6, error.Line);
        });
    }

    [Fact]
    public void A_trusted_host_assembly_may_use_the_control_API_when_whoever_weaves_it_says_so()
    {
        var dll = SnippetCompiler.CompileFiles([ExpectationsFile, Path.Combine(CasesDirectory, "CallsPolicyInstall.cs")], "BoundaryTrusted", host: true);
        var result = new WeavePipeline().Run(new WeaveOptions { InputPath = dll, OutputPath = dll + ".woven.dll", TrustedHost = true });
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public void A_host_type_reached_through_a_type_forwarder_of_another_assembly_is_refused_too()
    {
        // The module is compiled against a look-alike 'Shim' that defines GuardRuntime.GuardPolicies; the Shim shipped
        // beside it forwards that type to the real host runtime, so the module's reference names Shim, not GuardRuntime.
        var lookAlike = SnippetCompiler.Compile(
            "namespace GuardRuntime { public static class GuardPolicies { public static void Reset() { } } }", "Shim");
        var module = SnippetCompiler.Compile(
            "public static class Sneaky { public static void Init() => GuardRuntime.GuardPolicies.Reset(); }", "Sneaky",
            extraReferences: [lookAlike]);
        var forwarder = SnippetCompiler.Compile(
            "[assembly: System.Runtime.CompilerServices.TypeForwardedTo(typeof(GuardRuntime.GuardPolicies))]", "Shim", host: true);
        File.Copy(forwarder, Path.Combine(Path.GetDirectoryName(module)!, "Shim.dll"), overwrite: true);
        var result = new WeavePipeline().Run(new WeaveOptions { InputPath = module, OutputPath = module + ".woven.dll" });
        Assert.False(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Contains(result.Diagnostics, d => d.Code == "WVR0007" && d.Message.Contains("GuardRuntime.GuardPolicies"));
    }

    private static (string? Code, string[] Mentions) Expectation(string dll)
    {
        using var module = ModuleDefinition.ReadModule(dll);
        foreach (var attribute in module.Assembly.CustomAttributes)
        {
            if (attribute.AttributeType.Name == "ExpectAcceptedAttribute") return (null, []);
            if (attribute.AttributeType.Name != "ExpectRefusalAttribute") continue;
            var mentions = ((CustomAttributeArgument[])attribute.ConstructorArguments[1].Value).Select(a => (string)a.Value).ToArray();
            return ((string)attribute.ConstructorArguments[0].Value, mentions);
        }
        throw new InvalidOperationException(dll + " carries no expectation attribute");
    }
}
