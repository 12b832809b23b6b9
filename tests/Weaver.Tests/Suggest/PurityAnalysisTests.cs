using Mono.Cecil;
using Weaver.Engine.Pipeline;
using Weaver.Engine.Purity;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Suggest;

/// <summary>
/// The purity analysis on the cases of <c>Suggest/Cases/PurityCases.cs</c>: each static method says the verdict it
/// must get ([Pure], or [Impure("part of the reason")]), so a case that is misjudged fails with the reason the
/// analysis gave.
/// </summary>
public sealed class PurityAnalysisTests
{
    private static readonly Lazy<string> Cases = new(() => SnippetCompiler.CompileFiles(
        [Path.Combine(AppContext.BaseDirectory, "Suggest", "Cases", "PurityCases.cs")], "PurityCases"));

    internal static ModuleDefinition Read(string dll) => ModuleDefinition.ReadModule(dll, new ReaderParameters
    {
        AssemblyResolver = ReferenceResolver.Create(new WeaveOptions { InputPath = dll, OutputPath = dll }),
    });

    [Fact]
    public void Every_case_gets_the_verdict_it_states()
    {
        using var module = Read(Cases.Value);
        var analysis = PurityAnalysis.Analyze(module);
        var failures = new List<string>();
        int pure = 0, impure = 0;
        foreach (var method in module.GetTypes().SelectMany(t => t.Methods))
        {
            var expectation = method.CustomAttributes.FirstOrDefault(a => a.AttributeType.Name is "PureAttribute" or "ImpureAttribute");
            if (expectation is null) continue;
            var verdict = analysis.Judge(method);
            if (expectation.AttributeType.Name == "PureAttribute")
            {
                pure++;
                if (!verdict.Pure) failures.Add($"{method.Name}: expected pure, got impure: {verdict.Reason}");
                continue;
            }
            impure++;
            var words = (string)expectation.ConstructorArguments[0].Value;
            if (verdict.Pure) failures.Add($"{method.Name}: expected impure ({words}), got pure");
            else if (!verdict.Reason!.Contains(words, StringComparison.OrdinalIgnoreCase))
                failures.Add($"{method.Name}: expected a reason with '{words}', got: {verdict.Reason}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(pure >= 15 && impure >= 20, $"the case file lost cases ({pure} pure, {impure} impure)");
    }

    [Fact]
    public void A_reason_names_the_callee_chain_and_the_offset()
    {
        using var module = Read(Cases.Value);
        var analysis = PurityAnalysis.Analyze(module);
        var indirect = module.GetType("PurityCases.ImpureCases").Methods.Single(m => m.Name == "Indirect");
        var reason = analysis.Judge(indirect).Reason!;
        Assert.Contains("calls ImpureCases.Count, which writes static ImpureCases.s_counter", reason);
        Assert.Matches(@"IL_[0-9a-f]{4} in ImpureCases\.Count", reason);
    }

    [Fact]
    public void A_pure_method_returning_an_argument_may_alias_it_and_a_fresh_array_may_not()
    {
        var dll = SnippetCompiler.Compile("""
            namespace Alias;
            public static class A
            {
                private static readonly byte[] s_table = { 1, 2, 3 };
                public static byte[] Same(byte[] data) => data;
                public static byte[] Table(int x) => s_table;
                public static byte[] Copy(byte[] data) => (byte[])data.Clone();
                public static byte[] Fresh(int n) => new byte[n];
            }
            """);
        using var module = Read(dll);
        var analysis = PurityAnalysis.Analyze(module);
        MethodDefinition M(string name) => module.GetType("Alias.A").Methods.Single(m => m.Name == name);
        Assert.True(analysis.ResultMayAlias(M("Same")));
        Assert.True(analysis.ResultMayAlias(M("Table")));
        Assert.False(analysis.ResultMayAlias(M("Copy")));
        Assert.False(analysis.ResultMayAlias(M("Fresh")));
    }
}
