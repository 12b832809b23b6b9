namespace KcrRuntime.Tests;

internal enum SmallColor : byte { Red = 1, Green = 2 }

internal enum BigFlags : long { A = 1, B = 1L << 40 }

internal struct Point3
{
    public int X;
    public int Y;
    public double Z;
}

/// <summary>
/// One case per supported argument kind: a filler, a filler with equal arguments built from
/// fresh objects (so content, not identity, must match), and a filler with a different value.
/// </summary>
internal static class ArgumentKindCases
{
    internal sealed record Case(KeyFiller First, KeyFiller EqualFresh, KeyFiller Different);

    private static readonly Dictionary<string, Case> s_cases = new()
    {
        ["bool"] = Same((ref KeyBuilder k) => k.Add(true), (ref KeyBuilder k) => k.Add(false)),
        ["byte"] = Same((ref KeyBuilder k) => k.Add((byte)7), (ref KeyBuilder k) => k.Add((byte)8)),
        ["sbyte"] = Same((ref KeyBuilder k) => k.Add((sbyte)-7), (ref KeyBuilder k) => k.Add((sbyte)7)),
        ["short"] = Same((ref KeyBuilder k) => k.Add((short)-300), (ref KeyBuilder k) => k.Add((short)300)),
        ["ushort"] = Same((ref KeyBuilder k) => k.Add((ushort)60000), (ref KeyBuilder k) => k.Add((ushort)60001)),
        ["char"] = Same((ref KeyBuilder k) => k.Add('x'), (ref KeyBuilder k) => k.Add('y')),
        ["int"] = Same((ref KeyBuilder k) => k.Add(42), (ref KeyBuilder k) => k.Add(43)),
        ["uint"] = Same((ref KeyBuilder k) => k.Add(42u), (ref KeyBuilder k) => k.Add(43u)),
        ["long"] = Same((ref KeyBuilder k) => k.Add(1L << 40), (ref KeyBuilder k) => k.Add(1L << 41)),
        ["ulong"] = Same((ref KeyBuilder k) => k.Add(ulong.MaxValue), (ref KeyBuilder k) => k.Add(ulong.MaxValue - 1)),
        ["nint"] = Same((ref KeyBuilder k) => k.Add((nint)5), (ref KeyBuilder k) => k.Add((nint)6)),
        ["nuint"] = Same((ref KeyBuilder k) => k.Add((nuint)5), (ref KeyBuilder k) => k.Add((nuint)6)),
        ["float"] = Same((ref KeyBuilder k) => k.Add(0.0f), (ref KeyBuilder k) => k.Add(-0.0f)),
        ["double"] = Same((ref KeyBuilder k) => k.Add(double.NaN), (ref KeyBuilder k) => k.Add(1.5)),
        ["decimal"] = Same((ref KeyBuilder k) => k.Add(1.5m), (ref KeyBuilder k) => k.Add(1.50m)),
        ["enum:byte"] = Same((ref KeyBuilder k) => k.Add((byte)SmallColor.Red), (ref KeyBuilder k) => k.Add((byte)SmallColor.Green)),
        ["enum:long"] = Same((ref KeyBuilder k) => k.Add((long)BigFlags.B), (ref KeyBuilder k) => k.Add((long)BigFlags.A)),
        ["string"] = new(
            (ref KeyBuilder k) => k.Add("hello"),
            (ref KeyBuilder k) => k.Add(new string("hello".AsSpan())),
            (ref KeyBuilder k) => k.Add("hellp")),
        ["string:null"] = Same((ref KeyBuilder k) => k.Add((string?)null), (ref KeyBuilder k) => k.Add("")),
        ["blittable"] = Same(
            (ref KeyBuilder k) => k.AddBlittable(new Point3 { X = 1, Y = 2, Z = 3 }),
            (ref KeyBuilder k) => k.AddBlittable(new Point3 { X = 1, Y = 2, Z = 4 })),
        ["blittable[]"] = Same(
            (ref KeyBuilder k) => k.AddBlittableArray(new[] { SmallColor.Red, SmallColor.Green }),
            (ref KeyBuilder k) => k.AddBlittableArray(new[] { SmallColor.Green, SmallColor.Red })),
        ["byte[]"] = Same((ref KeyBuilder k) => k.Add(new byte[] { 1, 2, 3 }), (ref KeyBuilder k) => k.Add(new byte[] { 1, 2, 4 })),
        ["byte[]:null"] = Same((ref KeyBuilder k) => k.Add((byte[]?)null), (ref KeyBuilder k) => k.Add(Array.Empty<byte>())),
        ["byte[]:large"] = Same((ref KeyBuilder k) => k.Add(Filled(3000, 9)), (ref KeyBuilder k) => k.Add(Filled(3000, 10))),
        ["sbyte[]"] = Same((ref KeyBuilder k) => k.Add(new sbyte[] { -1 }), (ref KeyBuilder k) => k.Add(new sbyte[] { 1 })),
        ["short[]"] = Same((ref KeyBuilder k) => k.Add(new short[] { -1, 2 }), (ref KeyBuilder k) => k.Add(new short[] { 2, -1 })),
        ["ushort[]"] = Same((ref KeyBuilder k) => k.Add(new ushort[] { 1 }), (ref KeyBuilder k) => k.Add(new ushort[] { 1, 0 })),
        ["char[]"] = Same((ref KeyBuilder k) => k.Add("abc".ToCharArray()), (ref KeyBuilder k) => k.Add("abd".ToCharArray())),
        ["int[]"] = Same((ref KeyBuilder k) => k.Add(new[] { 1, 2, 3 }), (ref KeyBuilder k) => k.Add(new[] { 1, 2 })),
        ["uint[]"] = Same((ref KeyBuilder k) => k.Add(new[] { 1u }), (ref KeyBuilder k) => k.Add(new[] { 2u })),
        ["long[]"] = Same((ref KeyBuilder k) => k.Add(new[] { 1L }), (ref KeyBuilder k) => k.Add(new[] { -1L })),
        ["ulong[]"] = Same((ref KeyBuilder k) => k.Add(new[] { 1UL }), (ref KeyBuilder k) => k.Add(new[] { 3UL })),
        ["float[]"] = Same((ref KeyBuilder k) => k.Add(new[] { 0.0f }), (ref KeyBuilder k) => k.Add(new[] { -0.0f })),
        ["double[]"] = Same((ref KeyBuilder k) => k.Add(new[] { 1.0, 2.0 }), (ref KeyBuilder k) => k.Add(new[] { 1.0, 2.5 })),
        ["bool[]"] = Same((ref KeyBuilder k) => k.Add(new[] { true, false }), (ref KeyBuilder k) => k.Add(new[] { false, true })),
        ["span"] = Same((ref KeyBuilder k) => k.Add(new byte[] { 5, 6 }.AsSpan()), (ref KeyBuilder k) => k.Add(new byte[] { 6, 5 }.AsSpan())),
        ["span:stack"] = Same(
            (ref KeyBuilder k) => k.Add(stackalloc byte[] { 5, 6 }),
            (ref KeyBuilder k) => k.Add(stackalloc byte[] { 5, 6, 7 })),
        ["span:int"] = Same(
            (ref KeyBuilder k) => k.AddBlittableSpan<int>(new[] { 1, 2 }),
            (ref KeyBuilder k) => k.AddBlittableSpan<int>(new[] { 1, 3 })),
        ["memory:writable"] = Same(
            (ref KeyBuilder k) => k.Add(new Memory<byte>(new byte[] { 1, 2 })),
            (ref KeyBuilder k) => k.Add(new Memory<byte>(new byte[] { 2, 1 }))),
        ["memory"] = Same(
            (ref KeyBuilder k) => k.Add(new ReadOnlyMemory<byte>(new byte[] { 0, 9, 9, 0 }, 1, 2)),
            (ref KeyBuilder k) => k.Add(new ReadOnlyMemory<byte>(new byte[] { 0, 9, 9, 0 }, 0, 2))),
        ["mixed"] = Same(
            (ref KeyBuilder k) => { k.Add("ab"); k.Add(new byte[] { 1 }); k.Add(3); k.Add(2.5); },
            (ref KeyBuilder k) => { k.Add("ab"); k.Add(new byte[] { 1 }); k.Add(3); k.Add(2.25); }),
    };

    public static IEnumerable<object[]> Names => s_cases.Keys.Select(name => new object[] { name });

    internal static Case Get(string name) => s_cases[name];

    // The fillers above create fresh objects on every invocation, so First doubles as EqualFresh.
    private static Case Same(KeyFiller first, KeyFiller different) => new(first, first, different);

    private static byte[] Filled(int length, byte value)
    {
        byte[] bytes = new byte[length];
        bytes.AsSpan().Fill(value);
        return bytes;
    }
}
