using KcrRuntime;
using Weaver.Engine.Pipeline;

namespace Weaver.Tests.Memoize;

/// <summary>Every supported argument kind: a repeat is a hit (the original is not called), a different value is a miss, results equal the unwoven ones.</summary>
[Collection(KcrStateCollection.Name)]
public class ArgumentKindTests
{
    private const string Source = """
        using System;
        using KcrRuntime;
        namespace $NS$ {
        public enum Color : short { Red = 1, Blue = 2 }
        public enum Big : long { A = 1L << 40, B = 3 }
        public struct Pt { public int X; public int Y; public Pt(int x, int y) { X = x; Y = y; } }
        public static class Counter { public static readonly int[] Calls = new int[1]; }
        public static class K {
            static void Hit() => Counter.Calls[0]++;
            [Memoize(LearningCalls = 0)] public static int Bool(bool v) { Hit(); return v ? 11 : 22; }
            [Memoize(LearningCalls = 0)] public static int Byte(byte v) { Hit(); return v * 3; }
            [Memoize(LearningCalls = 0)] public static int SByte(sbyte v) { Hit(); return v * 3; }
            [Memoize(LearningCalls = 0)] public static int Short(short v) { Hit(); return v * 3; }
            [Memoize(LearningCalls = 0)] public static int UShort(ushort v) { Hit(); return v * 3; }
            [Memoize(LearningCalls = 0)] public static int Char(char v) { Hit(); return v * 3; }
            [Memoize(LearningCalls = 0)] public static long Int(int v) { Hit(); return v * 3L; }
            [Memoize(LearningCalls = 0)] public static ulong UInt(uint v) { Hit(); return v * 3UL; }
            [Memoize(LearningCalls = 0)] public static long Long(long v) { Hit(); return v ^ 0x5555; }
            [Memoize(LearningCalls = 0)] public static ulong ULong(ulong v) { Hit(); return v ^ 0x5555; }
            [Memoize(LearningCalls = 0)] public static long NInt(nint v) { Hit(); return (long)v * 7; }
            [Memoize(LearningCalls = 0)] public static ulong NUInt(nuint v) { Hit(); return (ulong)v * 7; }
            [Memoize(LearningCalls = 0)] public static double Float(float v) { Hit(); return v * 2.5; }
            [Memoize(LearningCalls = 0)] public static double Double(double v) { Hit(); return Math.Sqrt(v); }
            [Memoize(LearningCalls = 0)] public static decimal Decimal(decimal v) { Hit(); return v * 1.5m; }
            [Memoize(LearningCalls = 0)] public static int Enum(Color v) { Hit(); return (int)v * 10; }
            [Memoize(LearningCalls = 0)] public static long BigEnum(Big v) { Hit(); return (long)v + 1; }
            [Memoize(LearningCalls = 0)] public static string Str(string s) { Hit(); return s == null ? "<null>" : "[" + s + "]"; }
            [Memoize(LearningCalls = 0)] public static int Bytes(byte[] a) { Hit(); if (a == null) return -1; int s = 0; foreach (var b in a) s = s * 31 + b; return s; }
            [Memoize(LearningCalls = 0)] public static long Ints(int[] a) { Hit(); if (a == null) return -1; long s = 0; foreach (var b in a) s = s * 31 + b; return s; }
            [Memoize(LearningCalls = 0)] public static int Colors(Color[] a) { Hit(); int s = 0; foreach (var c in a) s = s * 3 + (int)c; return s; }
            [Memoize(LearningCalls = 0)] public static int Span(ReadOnlySpan<byte> a) { Hit(); int s = 0; foreach (var b in a) s = s * 31 + b; return s; }
            [Memoize(LearningCalls = 0)] public static int WSpan(Span<byte> a) { Hit(); int s = 0; foreach (var b in a) s = s * 37 + b; return s; }
            [Memoize(LearningCalls = 0)] public static long IntSpan(ReadOnlySpan<int> a) { Hit(); long s = 0; foreach (var b in a) s = s * 31 + b; return s; }
            [Memoize(LearningCalls = 0)] public static int Memory(ReadOnlyMemory<byte> a) { Hit(); int s = 0; foreach (var b in a.Span) s = s * 31 + b; return s + a.Length; }
            [Memoize(LearningCalls = 0)] public static int WMemory(Memory<byte> a) { Hit(); int s = 0; foreach (var b in a.Span) s = s * 41 + b; return s + a.Length; }
            [Memoize(LearningCalls = 0)] public static long Point(Pt p) { Hit(); return p.X * 1000L + p.Y; }
            [Memoize(LearningCalls = 0)] public static long Points(Pt[] ps) { Hit(); long s = 0; foreach (var p in ps) s = s * 7 + p.X * 100 + p.Y; return s; }
            [Memoize(LearningCalls = 0)] public static int Nullable(int? v) { Hit(); return v ?? -5; }
            [Memoize(LearningCalls = 0)] public static long NullablePoint(Pt? p) { Hit(); return p is { } q ? q.X * 10L + q.Y : -1; }
            [Memoize(LearningCalls = 0)] public static Guid GuidOf(Guid g, DateTime t) { Hit(); var b = g.ToByteArray(); b[0] ^= (byte)t.Day; return new Guid(b); }
            [Memoize(LearningCalls = 0)] public static int Mixed(byte[] data, int seed, Color c, string tag) { Hit(); int s = seed + (int)c + (tag?.Length ?? 9); foreach (var b in data) s = s * 31 + b; return s; }
            [Memoize(LearningCalls = 0)] public static int NoArgs() { Hit(); return 42; }

            // Spans cannot go through reflection: these unmemoized callers pass them.
            public static int CallSpan(byte[] a) => Span(a);
            public static int CallWSpan(byte[] a) => WSpan(a);
            public static long CallIntSpan(int[] a) => IntSpan(a);
        }
        }
        """;

    public static TheoryData<GuardKinds> Guards => new() { GuardKinds.None, GuardKinds.All };

    private static readonly (string Method, object? A, object? B)[] Cases =
    [
        ("Bool", true, false), ("Byte", (byte)7, (byte)8), ("SByte", (sbyte)-7, (sbyte)7), ("Short", (short)-300, (short)300),
        ("UShort", (ushort)65000, (ushort)1), ("Char", 'a', 'b'), ("Int", -5, 5), ("UInt", 5u, 6u), ("Long", 1L << 40, 1L << 41),
        ("ULong", ulong.MaxValue, 0UL), ("NInt", (nint)(-3), (nint)3), ("NUInt", (nuint)3, (nuint)4), ("Float", 1.5f, -1.5f),
        ("Double", 2.0, 3.0), ("Decimal", 1.10m, 1.1m), // equal values, different scale: different keys, both right
        ("Str", "", null), ("Str", "ab", "ba"), ("Bytes", new byte[] { 1, 2, 3 }, new byte[] { 1, 2, 4 }), ("Bytes", Array.Empty<byte>(), null),
        ("Ints", new[] { 1, 2, 3 }, new[] { 3, 2, 1 }), ("Colors", new[] { Color(1), Color(2) }, new[] { Color(2), Color(1) }),
        ("CallSpan", new byte[] { 9, 8 }, new byte[] { 9, 8, 7 }), ("CallWSpan", new byte[] { 1 }, new byte[] { 2 }),
        ("CallIntSpan", new[] { 5, 6 }, new[] { 6, 5 }), ("Nullable", 0, null), ("Nullable", 3, 4),
    ];

    private static object Color(short value) => value; // replaced per build (the enum lives in the snippet)

    [Theory]
    [MemberData(nameof(Guards))]
    public void Each_kind_hits_on_repeat_misses_on_change_and_matches_unwoven(GuardKinds guards)
    {
        var build = MemoBuild.Create(Source, "KcrArgs", guards);
        var asm = build.Woven;
        var colorType = asm.GetType($"{build.Namespace}.Color", true)!;
        var plainColor = build.Plain.GetType($"{build.Namespace}.Color", true)!;
        var ptType = asm.GetType($"{build.Namespace}.Pt", true)!;
        var cases = Cases.ToList();
        // Kinds whose values are types of the snippet.
        object Enum(Type t, short v) => System.Enum.ToObject(t, v);
        Array Colors(Type t, params short[] v) { var a = Array.CreateInstance(t, v.Length); for (int i = 0; i < v.Length; i++) a.SetValue(Enum(t, v[i]), i); return a; }
        object Pt(Type t, int x, int y) => Activator.CreateInstance(t, x, y)!;
        Array Pts(Type t, params int[] xy) { var a = Array.CreateInstance(t, xy.Length / 2); for (int i = 0; i < xy.Length / 2; i++) a.SetValue(Pt(t, xy[2 * i], xy[2 * i + 1]), i); return a; }

        var pairs = new List<(string Method, object?[] A, object?[] PlainA, object?[] B, object?[] PlainB)>();
        foreach (var (m, a, b) in cases.Where(c => c.Method != "Colors")) pairs.Add((m, [a], [a], [b], [b]));
        var plainPt = build.Plain.GetType($"{build.Namespace}.Pt", true)!;
        var plainBig = build.Plain.GetType($"{build.Namespace}.Big", true)!;
        var big = asm.GetType($"{build.Namespace}.Big", true)!;
        pairs.Add(("Enum", [Enum(colorType, 1)], [Enum(plainColor, 1)], [Enum(colorType, 2)], [Enum(plainColor, 2)]));
        pairs.Add(("BigEnum", [System.Enum.ToObject(big, 1L << 40)], [System.Enum.ToObject(plainBig, 1L << 40)], [System.Enum.ToObject(big, 3L)], [System.Enum.ToObject(plainBig, 3L)]));
        pairs.Add(("Colors", [Colors(colorType, 1, 2)], [Colors(plainColor, 1, 2)], [Colors(colorType, 2, 1)], [Colors(plainColor, 2, 1)]));
        pairs.Add(("Point", [Pt(ptType, 1, 2)], [Pt(plainPt, 1, 2)], [Pt(ptType, 2, 1)], [Pt(plainPt, 2, 1)]));
        pairs.Add(("Points", [Pts(ptType, 1, 2, 3, 4)], [Pts(plainPt, 1, 2, 3, 4)], [Pts(ptType, 1, 2, 3, 5)], [Pts(plainPt, 1, 2, 3, 5)]));
        pairs.Add(("Memory", [new ReadOnlyMemory<byte>([1, 2, 3], 1, 2)], [new ReadOnlyMemory<byte>([1, 2, 3], 1, 2)], [new ReadOnlyMemory<byte>([1, 2, 3])], [new ReadOnlyMemory<byte>([1, 2, 3])]));
        pairs.Add(("WMemory", [new Memory<byte>([4, 5])], [new Memory<byte>([4, 5])], [new Memory<byte>([5, 4])], [new Memory<byte>([5, 4])]));
        var g = Guid.NewGuid();
        pairs.Add(("GuidOf", [g, new DateTime(2024, 1, 2)], [g, new DateTime(2024, 1, 2)], [g, new DateTime(2024, 1, 3)], [g, new DateTime(2024, 1, 3)]));
        pairs.Add(("Mixed", [new byte[] { 1, 2 }, 7, Enum(colorType, 2), null], [new byte[] { 1, 2 }, 7, Enum(plainColor, 2), null],
                            [new byte[] { 1, 2 }, 7, Enum(colorType, 2), ""], [new byte[] { 1, 2 }, 7, Enum(plainColor, 2), ""]));
        pairs.Add(("NoArgs", [], [], [], []));
        pairs.Add(("NullablePoint", [Pt(ptType, 0, 0)], [Pt(plainPt, 0, 0)], [null], [null]));

        foreach (var (method, a, plainA, b, plainB) in pairs)
        {
            var expectedA = build.CallPlain("K." + method, plainA);
            var expectedB = build.CallPlain("K." + method, plainB);
            int before = build.Calls;
            Assert.Equal(expectedA, build.Call("K." + method, a));
            Assert.Equal(before + 1, build.Calls);
            Assert.Equal(expectedA, build.Call("K." + method, a)); // hit: the original did not run
            Assert.True(before + 1 == build.Calls, $"{method}: the repeat was not served from the cache");
            Assert.Equal(expectedB, build.Call("K." + method, b));
            int expectedCalls = method == "NoArgs" ? before + 1 : before + 2;
            Assert.True(expectedCalls == build.Calls, $"{method}: the changed argument was served from the cache");
            Assert.Equal(expectedA, build.Call("K." + method, a));
            Assert.Equal(expectedB, build.Call("K." + method, b));
            Assert.True(expectedCalls == build.Calls, $"{method}: later repeats were not hits");
        }
        var stats = build.Table("K::Bytes(System.Byte[])").GetStatistics();
        Assert.True(stats.Hits >= 4, stats.ToString());
    }
}
