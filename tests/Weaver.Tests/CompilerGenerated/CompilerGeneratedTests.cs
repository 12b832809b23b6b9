using GuardRuntime;
using Mono.Cecil;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Pipeline;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.CompilerGenerated;

/// <summary>
/// Code the compiler generates is checked by what it does (issue 14, items 2 and 3): collection expressions, inline
/// arrays, fixed buffers, async and iterator state machines, closures and ref locals weave with default options and
/// behave identically woven and unwoven; a store through such a span into a protected object is still stopped; the
/// compiler's inline-array helpers are recognised by their body only, and make their view only of an inline array of
/// the element and within it (checked at run time, whoever calls them); <c>Unsafe.As&lt;T&gt;(object)</c> is a checked cast.
/// </summary>
[Collection(GuardStateCollection.Name)]
public sealed class CompilerGeneratedTests
{
    private static readonly string Cases = Path.Combine(AppContext.BaseDirectory, "CompilerGenerated", "Cases");

    private static readonly Lazy<(string Unwoven, string Woven)> Workload = new(() =>
    {
        var dll = SnippetCompiler.CompileFiles([Path.Combine(Cases, "CompilerGeneratedWorkload.cs")], "CompilerGeneratedWorkload");
        return (dll, Woven.Weave(dll));
    });

    [Fact]
    public void Compiler_generated_code_weaves_with_default_options_and_behaves_identically()
    {
        var unwoven = (string)Woven.Call(Woven.LoadUnbound(Workload.Value.Unwoven), "CompilerGeneratedCases.Workload.Run")!;
        var woven = (string)Woven.Call(Woven.Load(Workload.Value.Woven), "CompilerGeneratedCases.Workload.Run")!;
        Assert.Equal(unwoven, woven);
        Assert.Contains("collections=6,abc,3two,45678,6,xy;", woven);
        Assert.Contains("inline=", woven);
        Assert.Contains("async=5,chain2,10;", woven);
        Assert.Contains("cast=c5;", woven);
    }

    [Fact]
    public void A_policy_that_protects_what_the_module_never_touches_stops_nothing()
    {
        var unwoven = (string)Woven.Call(Woven.LoadUnbound(Workload.Value.Unwoven), "CompilerGeneratedCases.Workload.Run")!;
        var bystander = new int[8];
        using var scope = PolicyScope.Install(PolicyFile.Parse("""
            { "version": 1, "default": { "defaultAction": "allow", "rules": [ { "region": "bystander", "action": "throw" },
                { "namespace": "Kernel", "action": "throw" } ] } }
            """));
        Regions.Protect(bystander, "bystander");
        Assert.Equal(unwoven, (string)Woven.Call(Woven.Load(Workload.Value.Woven), "CompilerGeneratedCases.Workload.Run")!);
    }

    [Fact]
    public void A_store_through_a_collection_expression_span_into_a_protected_array_is_stopped()
    {
        var assembly = Woven.Load(Workload.Value.Woven);
        var table = Enumerable.Range(1, 8).ToArray();
        using var scope = PolicyScope.Install(Deny.Region("CompilerGeneratedWorkload", "table"));
        Regions.ProtectElements(table, 3, 2, "table");
        var error = Assert.ThrowsAny<Exception>(() => Woven.Call(assembly, "CompilerGeneratedCases.Workload.WriteThroughSpans", table));
        Assert.IsType<GuardViolationException>(error is GuardViolationException ? error : error.InnerException);
        Assert.Equal(Enumerable.Range(1, 8), table);
    }

    [Fact]
    public void A_store_into_a_protected_objects_inline_array_is_stopped()
    {
        var assembly = Woven.Load(Workload.Value.Woven);
        var holder = Activator.CreateInstance(assembly.GetType("CompilerGeneratedCases.Holder")!)!;
        using var scope = PolicyScope.Install(Deny.Region("CompilerGeneratedWorkload", "holder"));
        Regions.Protect(holder, "holder");
        var values = (int[])holder.GetType().GetField("Values")!.GetValue(holder)!;
        Regions.Protect(values, "holder"); // its own object: a span over it is written by address
        Assert.ThrowsAny<Exception>(() => Woven.Call(assembly, "CompilerGeneratedCases.Workload.WriteInline", holder));
        Assert.ThrowsAny<Exception>(() => Woven.Call(assembly, "CompilerGeneratedCases.Workload.Fill", holder, 5));
        Assert.Equal(new int[6], values);
    }

    [Fact]
    public void Unsafe_As_of_an_object_to_a_wrong_type_throws_as_a_cast_would()
    {
        Assert.Equal("InvalidCastException", Woven.Call(Woven.Load(Workload.Value.Woven), "CompilerGeneratedCases.Workload.WrongCast"));
    }

    // A module cannot write <PrivateImplementationDetails> in C#, but it can in IL: the helpers below are compiled under
    // another name and renamed. Called with an in-range constant they are recognised; misused, or with another body, refused.
    private const string ForgedHelpers = """
        using System;
        using System.Runtime.CompilerServices;
        using System.Runtime.InteropServices;
        [InlineArray(2)] public struct Pair { private object e; }
        public static class PID
        {
            public static Span<TElement> InlineArrayAsSpan<TBuffer, TElement>(ref TBuffer buffer, int length) =>
                MemoryMarshal.CreateSpan(ref Unsafe.As<TBuffer, TElement>(ref buffer), length);
        }
        public static class Use
        {
            static object Try(Func<object> f) { try { return f(); } catch (Exception e) { return e.GetType().Name; } }
            public static object InRange() => Try(() => { var p = new Pair(); return PID.InlineArrayAsSpan<Pair, object>(ref p, 2).Length; });
            public static object OutOfRange() => Try(() => { var p = new Pair(); return PID.InlineArrayAsSpan<Pair, object>(ref p, 9).Length; });
            public static object NotConstant(int n) => Try(() => { var p = new Pair(); return PID.InlineArrayAsSpan<Pair, object>(ref p, n).Length; });
            public static object WrongElement() => Try(() => { var p = new Pair(); return PID.InlineArrayAsSpan<Pair, string>(ref p, 1).Length; });
            public static object NotInline() => Try(() => { var p = new object[2]; return PID.InlineArrayAsSpan<object[], object>(ref p, 1).Length; });
        }
        """;

    [Theory]
    [InlineData("InRange", "2")]
    [InlineData("OutOfRange", "ArgumentOutOfRangeException")]
    [InlineData("NotConstant", "ArgumentOutOfRangeException")]
    [InlineData("WrongElement", "InvalidOperationException")]
    [InlineData("NotInline", "InvalidOperationException")]
    public void A_recognised_helper_makes_its_view_only_of_an_inline_array_and_within_it(string use, string outcome)
    {
        var dll = Forged(use, body: null);
        var woven = Woven.Weave(dll); // recognised by its body: weaves with default options whatever the element
        var result = Woven.Call(Woven.Load(woven), "Use." + use, [.. use == "NotConstant" ? new object[] { 9 } : []]);
        Assert.Equal(outcome, result?.ToString());
    }

    [Fact]
    public void A_helper_whose_body_is_not_the_compilers_gets_no_exemption()
    {
        var dll = Forged("InRange", body: "MemoryMarshal.CreateSpan(ref Unsafe.As<TBuffer, TElement>(ref buffer), length * 2)");
        var result = new WeavePipeline().Run(new WeaveOptions { InputPath = dll, OutputPath = Path.Combine(Path.GetDirectoryName(dll)!, "woven", Path.GetFileName(dll)) });
        Assert.False(result.Succeeded);
        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.UncheckableApi && d.Message.Contains("Unsafe::As", StringComparison.Ordinal));
    }

    private static string Forged(string use, string? body)
    {
        var source = ForgedHelpers;
        if (body is not null) source = source.Replace("MemoryMarshal.CreateSpan(ref Unsafe.As<TBuffer, TElement>(ref buffer), length)", body);
        var keep = source.Split('\n').Where(l => !l.Contains("public static object ", StringComparison.Ordinal) || l.Contains(" " + use + "(", StringComparison.Ordinal));
        var dll = SnippetCompiler.Compile(string.Join('\n', keep), "Forged" + use + (body is null ? "" : "Body"));
        var renamed = dll + ".renamed";
        using (var module = ModuleDefinition.ReadModule(dll))
        {
            module.GetType("PID").Name = "<PrivateImplementationDetails>";
            module.Write(renamed);
        }
        File.Move(renamed, dll, overwrite: true);
        return dll;
    }
}
