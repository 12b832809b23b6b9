using Weaver.Engine.Diagnostics;
using Weaver.Engine.Pipeline;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Memoize;

/// <summary>
/// A hit skips the original, and with it any write the original makes through an argument: a memoized method that may
/// write through a buffer argument (array, span, Memory, pointer from it), itself or through the module's methods it
/// calls, is refused with WVR1011 at the line of the write; one that only reads them is accepted. Before this check the
/// weaver accepted every case below and a hit returned without the write.
/// </summary>
public class BufferWriteTests
{
    public static TheoryData<string, string> Writers => new()
    {
        { "[Memoize] public static int M(byte[] a) { a[0] = 1; return a.Length; }", "element of a buffer argument" },
        { "[Memoize] public static int M(int[] a, int i) { a[i] += 1; return i; }", "through an address" },
        { "[Memoize] public static int M(Span<byte> s) { s[0] = 1; return s.Length; }", "through an address" },
        { "[Memoize] public static int M(Memory<byte> m) { m.Span.Fill(7); return m.Length; }", "may write it" },
        { "[Memoize] public static int M(byte[] a) => Helper(a, 3); static int Helper(byte[] b, int i) { b[i] = 2; return i; }", "reached from" },
        { "[Memoize] public static int M(byte[] a) { Array.Clear(a); return 0; }", "may write it" },
        { "[Memoize] public static unsafe int M(byte[] a) { fixed (byte* p = a) { *p = 1; } return 0; }", "through an address" },
        { "[Memoize] public static int M(byte[] a) { a.AsSpan(1).Reverse(); return 0; }", "may write it" },
        { "[Memoize] public static int M(ReadOnlySpan<byte> s) { Unsafe.AsRef(in s[0]) = 1; return 0; }", "through an address" },
        { "static byte[] kept; [Memoize] public static int M(byte[] a) { kept = a; return 0; }", "static field" },
        { "[Memoize] public static byte[] M(byte[] a) => a;", "returns" },
        { "[Memoize] public static int M(byte[] a) { var s = a.AsSpan(); Span<byte> t = s; if (t.Length > 0) t[t.Length - 1] = 0; return 0; }", "through an address" },
        { "[Memoize] public static int M(byte[] a, Func<byte[], int> f) => f(a);", "cannot be part of a key" },
    };

    public static TheoryData<string> Readers => new()
    {
        "[Memoize] public static int M(byte[] a) { int s = 0; foreach (var b in a) s += b; return s; }",
        "[Memoize] public static int M(ReadOnlySpan<byte> s) => s.Length > 1 ? s.Slice(1)[0] : 0;",
        "[Memoize] public static byte[] M(byte[] a) => System.Security.Cryptography.SHA256.HashData(a);",
        "[Memoize] public static uint M(byte[] a) => System.IO.Hashing.Crc32.HashToUInt32(a);",
        "[Memoize] public static int M(byte[] a, int i) => System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(a.AsSpan(i));",
        "[Memoize] public static int M(byte[] a) => Helper(a); static int Helper(byte[] b) => b.Length == 0 ? 0 : b[0];",
        "[Memoize] public static unsafe int M(byte[] a) { fixed (byte* p = a) { return a.Length == 0 ? 0 : *p; } }",
        "[Memoize] public static int M(string s, char[] c) => s.IndexOfAny(c);",
        "[Memoize] public static int M(Memory<byte> m) => m.Span.IndexOf((byte)3);",
        "[Memoize] public static byte[] M(byte[] a) { var copy = a.AsSpan().ToArray(); copy[0] = 1; return copy; }",
    };

    [Theory]
    [MemberData(nameof(Writers))]
    public void A_method_that_may_write_a_buffer_argument_is_refused_at_the_write(string member, string what)
    {
        var dll = Compile(member);
        var result = Weave(dll);
        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains("Rej.C::M(", error.Message);
        Assert.Contains(what, error.Message);
        if (!what.Contains("part of a key"))
        {
            Assert.Equal(DiagnosticCodes.MemoizeWritesArgument, error.Code);
            Assert.Contains("IL_", error.Message);
            Assert.EndsWith(".cs", error.File);
            Assert.Equal(4, error.Line);
        }
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void A_method_that_only_reads_its_buffers_is_accepted(string member)
    {
        var result = Weave(Compile(member));
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == DiagnosticCodes.MemoizeWritesArgument);
    }

    private static string Compile(string member) => SnippetCompiler.Compile($$"""
        using System; using System.Runtime.CompilerServices; using KcrRuntime;
        namespace Rej { public static class C {
        // the member
        {{member}}
        } }
        """);

    private static string Output(string dll) => Path.Combine(Path.GetDirectoryName(dll)!, "woven", Path.GetFileName(dll));

    private static WeaveResult Weave(string dll) =>
        new WeavePipeline().Run(new WeaveOptions { InputPath = dll, OutputPath = Output(dll), Guards = GuardKinds.None });
}
