using Weaver.Engine.Diagnostics;
using Weaver.Engine.Pipeline;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Memoize;

/// <summary>Every reason a method cannot be memoized is an error naming the method, at its source line.</summary>
public class RejectionTests
{
    public static TheoryData<string, string, string> Cases => new()
    {
        { "[Memoize] public static void M(int x) { }", DiagnosticCodes.MemoizeBadResult, "returns void" },
        { "static int s; [Memoize] public static ref int M(int x) => ref s;", DiagnosticCodes.MemoizeBadResult, "by reference" },
        { "[Memoize] public static int M(ref int x) => x;", DiagnosticCodes.MemoizeBadParameter, "'x'" },
        { "[Memoize] public static int M(out int x) { x = 1; return 1; }", DiagnosticCodes.MemoizeBadParameter, "'x'" },
        { "[Memoize] public static int M(in int x) => x;", DiagnosticCodes.MemoizeBadParameter, "'x'" },
        { "[Memoize] public static int M(object o) => 1;", DiagnosticCodes.MemoizeBadParameter, "System.Object" },
        { "[Memoize] public static int M(string[] o) => 1;", DiagnosticCodes.MemoizeBadParameter, "System.String[]" },
        { "[Memoize] public static int M(System.Collections.Generic.List<int> o) => 1;", DiagnosticCodes.MemoizeBadParameter, "List" },
        { "[Memoize] public static unsafe int M(int* p) => 1;", DiagnosticCodes.MemoizeBadParameter, "pointer" },
        { "[Memoize] public static System.Collections.Generic.List<int> M(int x) => null;", DiagnosticCodes.MemoizeBadResult, "mutated" },
        { "[Memoize] public static object M(int x) => null;", DiagnosticCodes.MemoizeBadResult, "System.Object" },
        { "[Memoize] public static string[] M(int x) => null;", DiagnosticCodes.MemoizeBadResult, "array" },
        { "[Memoize] public int M(int x) => x;", DiagnosticCodes.MemoizeNotStatic, "instance" },
        { "[Memoize] public static T M<T>(int x) => default;", DiagnosticCodes.MemoizeGeneric, "generic" },
        { "[System.Runtime.InteropServices.DllImport(\"libc\")] [Memoize] public static extern int M(int x);", DiagnosticCodes.MemoizeNoBody, "no IL body" },
        { "[Memoize] public static async System.Threading.Tasks.Task<int> M(int x) { await System.Threading.Tasks.Task.Yield(); return x; }", DiagnosticCodes.MemoizeAsyncOrIterator, "async" },
        { "[Memoize] public static System.Collections.Generic.IEnumerable<int> M(int x) { yield return x; }", DiagnosticCodes.MemoizeAsyncOrIterator, "iterator" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_rejection_names_the_method_and_the_reason(string member, string code, string reason)
    {
        var dll = SnippetCompiler.Compile($$"""
            using KcrRuntime;
            namespace Rej { public class C { {{member}} } }
            """);
        var result = Weave(dll);
        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(code, error.Code);
        Assert.Contains("Rej.C::M(", error.Message);
        Assert.Contains(reason, error.Message);
        if (!member.Contains("extern")) // an extern method has no sequence point
        {
            Assert.EndsWith(".cs", error.File);
            Assert.Equal(2, error.Line);
        }
        Assert.False(File.Exists(Output(dll)));
    }

    [Fact]
    public void A_generic_declaring_type_is_refused()
    {
        var dll = SnippetCompiler.Compile("using KcrRuntime; namespace Rej { public static class G<T> { [Memoize] public static int M(int x) => x; } }");
        var error = Assert.Single(Weave(dll).Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(DiagnosticCodes.MemoizeGeneric, error.Code);
        Assert.Contains("Rej.G`1::M(", error.Message);
    }

    [Fact]
    public void Names_given_as_options_are_checked()
    {
        var dll = SnippetCompiler.Compile("namespace Opt { public static class C { public static int M(int x) => x; public static int M(object x) => 1; public static void V() { } } }");
        var missing = Weave(dll, "Opt.C::Nope");
        Assert.Equal(DiagnosticCodes.MemoizeMethodNotFound, Assert.Single(missing.Diagnostics, d => d.Severity == DiagnosticSeverity.Error).Code);
        Assert.Contains("Nope", missing.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error).Message);
        Assert.Equal(DiagnosticCodes.MemoizeMethodNotFound, Assert.Single(Weave(dll, "Opt.Missing::M").Diagnostics, d => d.Severity == DiagnosticSeverity.Error).Code);
        Assert.Equal(DiagnosticCodes.MemoizeBadName, Assert.Single(Weave(dll, "Opt.C.M").Diagnostics, d => d.Severity == DiagnosticSeverity.Error).Code);
        Assert.Equal(DiagnosticCodes.MemoizeBadResult, Assert.Single(Weave(dll, "Opt.C::V").Diagnostics, d => d.Severity == DiagnosticSeverity.Error).Code);

        // All overloads are asked for: M(int) is memoized, M(object) only warns.
        var ok = Weave(dll, "Opt.C::M");
        Assert.True(ok.Succeeded, string.Join("\n", ok.Diagnostics));
        Assert.Equal(["Opt.C::M(System.Int32)"], ok.Report.Memoized);
        Assert.Contains(ok.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.Code == DiagnosticCodes.MemoizeBadParameter);
        var asm = Woven.Load(Output(dll));
        var m = asm.GetType("Opt.C", true)!.GetMethod("M", [typeof(int)])!;
        Assert.Equal(7, m.Invoke(null, [7]));
        Assert.Equal(7, m.Invoke(null, [7]));
    }

    [Fact]
    public void Supported_result_kinds_are_accepted()
    {
        var dll = SnippetCompiler.Compile("""
            using KcrRuntime;
            namespace Ok {
            public sealed record Pair(int A, string B);
            public readonly record struct RPair(int A, string B);
            public static class C {
                [Memoize] public static Pair P(int x) => new Pair(x, "p");
                [Memoize] public static RPair R(int x) => new RPair(x, "r");
                [Memoize] public static string S(int x) => x.ToString();
                [Memoize] public static int[] A(int x) => new[] { x };
                [Memoize] public static System.Guid G(int x) => default;
                [Memoize] public static int? N(int x) => x;
                [Memoize] public static (int, long) T(int x) => (x, x);
            }
            }
            """);
        var result = Weave(dll);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(7, result.Report.Memoized.Count);
        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.Memoized && d.Message.Contains("Ok.C::P(System.Int32)"));
        var asm = Woven.Load(Output(dll));
        Assert.Equal("5", Woven.Call(asm, "Ok.C.S", 5));
        Assert.Equal("5", Woven.Call(asm, "Ok.C.S", 5));
    }

    [Fact]
    public void An_address_of_a_dependency_that_escapes_is_a_warning()
    {
        var dll = SnippetCompiler.Compile("""
            using KcrRuntime;
            namespace Esc { public static class C {
                static int S, T;
                [Memoize] public static int M(int x) => x + S;
                public static void W(int n) { ref int r = ref S; for (int i = 0; i < n; i++) r += i; }
                public static void Merge(bool b) { ref int r = ref (b ? ref S : ref T); r = 5; }
                public static void Tracked() { System.Threading.Interlocked.Increment(ref S); }
            } }
            """);
        var result = Weave(dll);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var warning = Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.MemoizeUntrackedWrite);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("Esc.C::W(", warning.Message);
        Assert.Contains("System.Int32 Esc.C::S", warning.Message);
        Assert.Contains("Esc.C::M(System.Int32)", warning.Message);
        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.Memoized && d.Message.Contains("System.Int32 Esc.C::S"));
    }

    private static string Output(string dll) => Path.Combine(Path.GetDirectoryName(dll)!, "woven", Path.GetFileName(dll));

    private static WeaveResult Weave(string dll, params string[] memoize) =>
        new WeavePipeline().Run(new WeaveOptions { InputPath = dll, OutputPath = Output(dll), Guards = GuardKinds.None, Memoize = memoize });
}
