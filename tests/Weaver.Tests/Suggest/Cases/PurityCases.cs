// Compiled alone by PurityAnalysisTests (never into the test assembly). Every static method carries the verdict the
// purity analysis must reach: [Pure], or [Impure("words of the reason")]. Helpers without an attribute are not judged.
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;
using System.Threading;

namespace PurityCases;

[AttributeUsage(AttributeTargets.Method)]
public sealed class PureAttribute : Attribute { }

[AttributeUsage(AttributeTargets.Method)]
public sealed class ImpureAttribute(string reason) : Attribute { public string Reason { get; } = reason; }

public static class PureCases
{
    private static readonly int[] s_table = BuildTable();
    private static readonly string s_prefix = "id-";
    private static int s_scale = 3; // private and mutable: tracked by invalidation

    [Pure] public static int Add(int a, int b) => a + b;

    [Pure] public static double Hypot(double x, double y) => Math.Sqrt(x * x + y * y);

    [Pure]
    public static ushort Checksum(byte[] data)
    {
        uint sum = 0;
        for (int i = 0; i + 1 < data.Length; i += 2) sum += (uint)(data[i] << 8 | data[i + 1]);
        while (sum >> 16 != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    [Pure]
    public static byte[] Reverse(byte[] data)
    {
        var copy = new byte[data.Length];
        for (int i = 0; i < data.Length; i++) copy[i] = data[data.Length - 1 - i];
        return copy;
    }

    [Pure]
    public static byte[] Fill(int length, byte value)
    {
        var result = new byte[length];
        FillInto(result, value); // the helper writes its argument: memory this method allocated
        return result;
    }

    private static void FillInto(byte[] target, byte value)
    {
        for (int i = 0; i < target.Length; i++) target[i] = value;
    }

    [Pure]
    public static uint ReadBigEndian(byte[] data) => BinaryPrimitives.ReadUInt32BigEndian(data);

    [Pure]
    public static int StackScratch(int x)
    {
        Span<int> scratch = stackalloc int[4];
        for (int i = 0; i < scratch.Length; i++) scratch[i] = x * i;
        return scratch[3] - scratch[1];
    }

    [Pure] public static long Fib(int n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2);

    [Pure] public static bool IsEven(int n) => n == 0 || IsOdd(n - 1);

    private static bool IsOdd(int n) => n != 0 && IsEven(n - 1);

    [Pure] public static int Lookup(int i) => s_table[i & 15];

    [Pure] public static int Scaled(int x) => x * s_scale;

    [Pure] public static string Label(string name) => s_prefix + name.ToUpperInvariant();

    [Pure] public static string Hex(int value) => value.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

    [Pure]
    public static int DistinctWords(string text)
    {
        var seen = new HashSet<string>();
        foreach (var word in text.Split(' ')) seen.Add(word);
        return seen.Count;
    }

    [Pure]
    public static string Joined(int count)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < count; i++) builder.Append('x');
        return builder.ToString();
    }

    [Pure] public static double Length(double x, double y) => new Point(x, y).Length();

    [Pure] public static int Throws(int x) => x >= 0 ? x : throw new ArgumentOutOfRangeException(nameof(x));

    private static int[] BuildTable()
    {
        var table = new int[16];
        for (int i = 0; i < table.Length; i++) table[i] = i * i;
        return table;
    }
}

public readonly struct Point(double x, double y)
{
    public double X { get; } = x;
    public double Y { get; } = y;
    public double Length() => Math.Sqrt(X * X + Y * Y);
}

public class Shape
{
    public virtual int Sides() => 0;
}

public static class ImpureCases
{
    private static int s_counter;
    private static readonly int[] s_shared = new int[4];
    public static int PublicSetting = 1;
    [ThreadStatic] private static int t_depth;
    private static readonly object s_gate = new();

    [Impure("writes static ImpureCases.s_counter")] public static int Count(int x) => s_counter += x;

    [Impure("DateTime.get_Now")] public static long Ticks(int x) => DateTime.Now.Ticks + x;

    [Impure("random")] public static int Roll(int seed) => new Random(seed).Next() + Random.Shared.Next();

    [Impure("Environment")] public static int Cores(int x) => Environment.ProcessorCount + x;

    [Impure("I/O")] public static int Print(int x) { Console.WriteLine(x); return x; }

    [Impure("writes through its argument 'data'")] public static int Zero(byte[] data) { data[0] = 0; return data.Length; }

    [Impure("writes through its argument 'data'")] public static int ZeroViaHelper(byte[] data) { Clear(data); return 1; }

    private static void Clear(byte[] data) => Array.Clear(data);

    [Impure("writes through its argument 'data'")] public static int ZeroViaSpan(byte[] data) { data.AsSpan().Fill(0); return 1; }

    [Impure("Interlocked")] public static int Next(int x) => Interlocked.Increment(ref s_counter) + x;

    [Impure("Monitor")] public static int Locked(int x) { lock (s_gate) return x + 1; }

    [Impure("depends on object identity")] public static bool Same(string a, string b) => (object)a == (object)b;

    [Impure("depends on object identity")] public static int Hash(int x) => new object().GetHashCode() + x;

    [Impure("public mutable static")] public static int Setting(int x) => PublicSetting * x;

    [Impure("s_shared")] public static int Shared(int i) => s_shared[i & 3];

    public static void Poke(int v) => s_shared[0] = v; // makes s_shared's contents mutable

    [Impure("thread-static")] public static int Depth(int x) => t_depth + x;

    [Impure("current culture")] public static string Text(int x) => x.ToString();

    [Impure("current culture")] public static string Upper(string s) => s.ToUpper();

    [Impure("virtual")] public static int Sides(Shape shape) => shape.Sides();

    [Impure("invokes a delegate")] public static int Apply(Func<int, int> f, int x) => f(x);

    [Impure("calls ImpureCases.Count")] public static int Indirect(int x) => Count(x) + 1;

    [Impure("writes static")]
    public static long RecursiveImpure(int n)
    {
        if (n <= 0) { s_counter++; return 0; }
        return RecursiveImpure(n - 1) + n;
    }
}
