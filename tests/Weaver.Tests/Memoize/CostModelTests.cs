using Mono.Cecil;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Memoize;
using Weaver.Engine.Pipeline;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Memoize;

/// <summary>
/// The weave-time cost model: a short body without loops or calls out of the module, or one pass over a buffer, is
/// likely cheaper than a hit and gets WVR1012 with the reason; real work (hashing, ciphers, nested loops) does not.
/// </summary>
public class CostModelTests
{
    public static TheoryData<string, bool, string> Cases => new()
    {
        { "[Memoize] public static long M(int a, long b) => (a * 31 + b) ^ (b >> 7);", true, "short" },
        { "[Memoize] public static int M(byte[] a) { int s = 0; foreach (var b in a) s += b; return s; }", true, "one pass over a buffer" },
        { "[Memoize] public static byte[] M(byte[] a) => System.Security.Cryptography.SHA256.HashData(a);", false, "call(s) out of the module" },
        { "[Memoize] public static int M(int[] a) { int s = 0; for (int i = 0; i < a.Length; i++) for (int j = 0; j < a.Length; j++) s += a[i] * a[j]; return s; }", false, "exceeds" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_estimate_flags_bodies_cheaper_than_a_hit(string member, bool cheaper, string reason)
    {
        var dll = Compile(member);
        using var module = ModuleDefinition.ReadModule(dll);
        var method = module.GetType("Cost.C").Methods.Single(m => m.Name == "M");
        var estimate = MemoCostModel.Estimate(method);
        Assert.Equal(cheaper, estimate.LikelyCheaperThanHit);
        Assert.Contains(reason, estimate.Reason);
        Assert.True(estimate.HitNanoseconds > 0 && estimate.BodyNanoseconds > 0);

        var result = new WeavePipeline().Run(new WeaveOptions
        {
            InputPath = dll, OutputPath = Path.Combine(Path.GetDirectoryName(dll)!, "woven", Path.GetFileName(dll)), Guards = GuardKinds.None,
        });
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var warnings = result.Diagnostics.Where(d => d.Code == DiagnosticCodes.MemoizeLikelyUnprofitable).ToList();
        if (!cheaper)
        {
            Assert.Empty(warnings);
            return;
        }
        var warning = Assert.Single(warnings);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("Cost.C::M(", warning.Message);
        Assert.Contains(reason, warning.Message);
        Assert.Equal(3, warning.Line);
    }

    private static string Compile(string member) => SnippetCompiler.Compile($$"""
        using KcrRuntime;
        namespace Cost { public static class C {
        {{member}}
        } }
        """);
}
