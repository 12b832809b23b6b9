using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Runtime.Intrinsics;
using System.Text;

namespace Weaver.Tests.Fuzz;

/// <summary>
/// One way a generated module can fill a parameter or a receiver: a C# expression of a static type. Protected
/// producers (<see cref="Region"/> set) hand the framework the host's protected memory in some form; benign ones are
/// fresh module-owned values. <see cref="IsRef"/> producers are variables (for ref/out/in parameters) of type
/// <see cref="Type"/>. <see cref="Name"/> is stable: the regression file refers to it.
/// </summary>
public sealed record Producer(string Name, Type Type, string Expr, string? Region = null, bool IsRef = false)
{
    public bool Protected => Region is not null;
}

/// <summary>The pool of argument producers (the terminals of the grammar).</summary>
public static class ArgumentProducers
{
    private const string K = "global::FuzzKernel.Kernel";
    private const string S = "global::FuzzModule.Slots";
    private const string MM = "global::System.Runtime.InteropServices.MemoryMarshal";

    /// <summary>The module-side slots that benign ref/out arguments point at (one static per type).</summary>
    public static readonly IReadOnlyList<(Type Type, string Name)> Slots =
    [
        (typeof(long), "L"), (typeof(int), "I"), (typeof(byte), "B"), (typeof(uint), "U"), (typeof(ulong), "UL"),
        (typeof(short), "S"), (typeof(ushort), "US"), (typeof(char), "C"), (typeof(bool), "Z"), (typeof(double), "D"),
        (typeof(float), "F"), (typeof(nint), "N"), (typeof(nuint), "NU"), (typeof(object), "O"), (typeof(long[]), "LA"),
        (typeof(byte[]), "BA"), (typeof(int[]), "IA"), (typeof(string), "Str"), (typeof(sbyte), "SB"),
    ];

    // After Slots: static initializers run in text order.
    public static readonly IReadOnlyList<Producer> All = Build();

    public static readonly IReadOnlyDictionary<string, Producer> ByName = All.ToDictionary(p => p.Name);

    private static List<Producer> Build()
    {
        var p = new List<Producer>
        {
            // The syscall table, a protected long[], in every shape a module can hand it over.
            new("table", typeof(long[]), K + ".Table", "fuzz-table"),
            new("table-span", typeof(Span<long>), K + ".Table.AsSpan()", "fuzz-table"),
            new("table-rospan", typeof(ReadOnlySpan<long>), "new global::System.ReadOnlySpan<long>(" + K + ".Table)",
                "fuzz-table"),
            new("table-memory", typeof(Memory<long>), K + ".Table.AsMemory()", "fuzz-table"),
            new("table-romemory", typeof(ReadOnlyMemory<long>), "new global::System.ReadOnlyMemory<long>(" + K + ".Table)",
                "fuzz-table"),
            new("table-segment", typeof(ArraySegment<long>), "new global::System.ArraySegment<long>(" + K + ".Table)",
                "fuzz-table"),
            new("table-bytes-span", typeof(Span<byte>), MM + ".AsBytes(" + K + ".Table.AsSpan())", "fuzz-table"),
            new("table-int-span", typeof(Span<int>), MM + ".Cast<long, int>(" + K + ".Table.AsSpan())", "fuzz-table"),
            new("table-char-span", typeof(Span<char>), MM + ".Cast<long, char>(" + K + ".Table.AsSpan())", "fuzz-table"),
            new("table-ptr", typeof(long*), K + ".TablePointer", "fuzz-table"),
            new("table-ref3", typeof(long), K + ".Table[3]", "fuzz-table", IsRef: true),
            // The interfaces an array implements: the framework writes through them for the module.
            new("table-IList", typeof(IList<long>), "((global::System.Collections.Generic.IList<long>)" + K + ".Table)",
                "fuzz-table"),
            new("table-ICollection", typeof(ICollection<long>),
                "((global::System.Collections.Generic.ICollection<long>)" + K + ".Table)", "fuzz-table"),
            new("table-IEnumerable", typeof(IEnumerable<long>),
                "((global::System.Collections.Generic.IEnumerable<long>)" + K + ".Table)", "fuzz-table"),
            new("table-IList-nongeneric", typeof(IList), "((global::System.Collections.IList)" + K + ".Table)",
                "fuzz-table"),
            new("table-IStructural", typeof(IStructuralComparable),
                "((global::System.Collections.IStructuralComparable)" + K + ".Table)", "fuzz-table"),
            // A protected byte[] (so that byte-buffer APIs can reach protected memory too).
            new("bytes", typeof(byte[]), K + ".Bytes", "fuzz-bytes"),
            new("bytes-span", typeof(Span<byte>), K + ".Bytes.AsSpan()", "fuzz-bytes"),
            new("bytes-memory", typeof(Memory<byte>), K + ".Bytes.AsMemory()", "fuzz-bytes"),
            new("bytes-ptr", typeof(byte*), K + ".BytesPointer", "fuzz-bytes"),
            new("bytes-ref5", typeof(byte), K + ".Bytes[5]", "fuzz-bytes", IsRef: true),
            new("bytes-stream", typeof(MemoryStream), "new global::System.IO.MemoryStream(" + K + ".Bytes, true)",
                "fuzz-bytes"),
            // The host object with fields (protected instance).
            new("hostobj", typeof(object), K + ".Obj", "fuzz-obj"),
            new("hostobj-uid-ref", typeof(int), K + ".Obj.Uid", "fuzz-obj", IsRef: true),
            new("hostobj-id-ref", typeof(long), K + ".Obj.Id", "fuzz-obj", IsRef: true),
            // The protected NativeMemory range, as pointers of every width, spans and a stream.
            new("mmio-span", typeof(Span<byte>), "new global::System.Span<byte>(" + K + ".Native, " + K + ".NativeLength)",
                "fuzz-mmio"),
            new("mmio-long-span", typeof(Span<long>), "new global::System.Span<long>(" + K + ".Native, 8)", "fuzz-mmio"),
            new("mmio-nint", typeof(nint), "(nint)" + K + ".Native", "fuzz-mmio"),
            new("mmio-nuint", typeof(nuint), "(nuint)" + K + ".Native", "fuzz-mmio"),
            new("mmio-ref0", typeof(byte), "*" + K + ".Native", "fuzz-mmio", IsRef: true),
            new("mmio-long-ref", typeof(long), "*(long*)" + K + ".Native", "fuzz-mmio", IsRef: true),
            new("mmio-stream", typeof(UnmanagedMemoryStream), "new global::System.IO.UnmanagedMemoryStream(" + K
                + ".Native, 64, 64, global::System.IO.FileAccess.ReadWrite)", "fuzz-mmio"),
        };
        foreach (var t in new[] { typeof(byte), typeof(sbyte), typeof(short), typeof(ushort), typeof(int), typeof(uint),
                     typeof(long), typeof(ulong), typeof(char), typeof(float), typeof(double), typeof(void) })
        {
            var name = CSharpNames.Of(t);
            p.Add(new("mmio-" + name + "-ptr", t.MakePointerType(), "(" + name + "*)" + K + ".Native", "fuzz-mmio"));
        }
        AddBenign(p);
        return p;
    }

    // Fresh module-owned values: the framework may write them freely; they make most signatures fillable.
    private static void AddBenign(List<Producer> p)
    {
        p.AddRange(
        [
            new("fresh-long-array", typeof(long[]), "new long[16]"),
            new("fresh-byte-array", typeof(byte[]), "new byte[64]"),
            new("fresh-int-array", typeof(int[]), "new int[16]"),
            new("fresh-char-array", typeof(char[]), "new char[64]"),
            new("fresh-object-array", typeof(object[]), "new object[4]"),
            new("fresh-long-span", typeof(Span<long>), "new long[16].AsSpan()"),
            new("fresh-byte-span", typeof(Span<byte>), "new byte[64].AsSpan()"),
            new("fresh-int-span", typeof(Span<int>), "new int[16].AsSpan()"),
            new("fresh-char-span", typeof(Span<char>), "new char[64].AsSpan()"),
            new("fresh-byte-rospan", typeof(ReadOnlySpan<byte>), "new global::System.ReadOnlySpan<byte>(new byte[] { 1, 2, 3, 4 })"),
            new("fresh-long-rospan", typeof(ReadOnlySpan<long>), "new global::System.ReadOnlySpan<long>(new long[] { 5, 6, 7 })"),
            new("text-rospan", typeof(ReadOnlySpan<char>), "\"12345\".AsSpan()"),
            new("fresh-long-memory", typeof(Memory<long>), "new long[16].AsMemory()"),
            new("fresh-byte-memory", typeof(Memory<byte>), "new byte[64].AsMemory()"),
            new("fresh-list", typeof(List<long>), "new global::System.Collections.Generic.List<long> { 3, 1, 2 }"),
            new("fresh-stream", typeof(MemoryStream), "new global::System.IO.MemoryStream(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 })"),
            new("text", typeof(string), "\"abc\""),
            new("text-number", typeof(string), "\"42\""),
            new("pool-long", typeof(ArrayPool<long>), "global::System.Buffers.ArrayPool<long>.Shared"),
            new("pool-byte", typeof(ArrayPool<byte>), "global::System.Buffers.ArrayPool<byte>.Shared"),
            new("random", typeof(Random), "new global::System.Random(7)"),
            new("utf8", typeof(Encoding), "global::System.Text.Encoding.UTF8"),
            new("invariant", typeof(IFormatProvider), "global::System.Globalization.CultureInfo.InvariantCulture"),
            new("comparer-long", typeof(IComparer<long>),
                "global::System.Collections.Generic.Comparer<long>.Create((a, b) => b.CompareTo(a))"),
            new("eq-long", typeof(IEqualityComparer<long>), "global::System.Collections.Generic.EqualityComparer<long>.Default"),
            new("vec128-long", typeof(Vector128<long>), "global::System.Runtime.Intrinsics.Vector128.Create(-1L)"),
            new("vec128-byte", typeof(Vector128<byte>), "global::System.Runtime.Intrinsics.Vector128.Create((byte)0xEE)"),
            new("vec256-long", typeof(Vector256<long>), "global::System.Runtime.Intrinsics.Vector256.Create(-1L)"),
            new("vec64-long", typeof(Vector64<long>), "global::System.Runtime.Intrinsics.Vector64.Create(-1L)"),
            new("vector-long", typeof(System.Numerics.Vector<long>), "new global::System.Numerics.Vector<long>(-1L)"),
            new("cancel-none", typeof(CancellationToken), "default(global::System.Threading.CancellationToken)"),
            // Delegates are module code (woven); they never write protected memory themselves.
            new("func-long-long", typeof(Func<long, long>), "(x => x ^ 1)"),
            new("func-long-bool", typeof(Func<long, bool>), "(x => x > 1003)"),
            new("func-long-long-long", typeof(Func<long, long, long>), "((a, b) => a + b)"),
            new("predicate-long", typeof(Predicate<long>), "(x => x > 1003)"),
            new("comparison-long", typeof(Comparison<long>), "((a, b) => b.CompareTo(a))"),
            new("comparison-byte", typeof(Comparison<byte>), "((a, b) => b.CompareTo(a))"),
            new("comparison-int", typeof(Comparison<int>), "((a, b) => b.CompareTo(a))"),
            new("action-long", typeof(Action<long>), "(x => { })"),
            new("func-byte-byte", typeof(Func<byte, byte>), "(x => (byte)(x + 1))"),
            new("func-int-int", typeof(Func<int, int>), "(x => x + 1)"),
            new("bool-true", typeof(bool), "true"),
            new("bool-false", typeof(bool), "false"),
            new("char-A", typeof(char), "'A'"),
            new("byte-0", typeof(byte), "(byte)0"),
            new("byte-FF", typeof(byte), "(byte)0xFF"),
            new("sbyte-1", typeof(sbyte), "(sbyte)1"),
            new("short-1", typeof(short), "(short)1"),
            new("ushort-1", typeof(ushort), "(ushort)1"),
            new("uint-1", typeof(uint), "1u"),
            new("uint-8", typeof(uint), "8u"),
            new("ulong-8", typeof(ulong), "8ul"),
            new("float-1", typeof(float), "1f"),
            new("double-1", typeof(double), "1.0"),
            new("decimal-1", typeof(decimal), "1m"),
            new("scratch-nint", typeof(nint), "(nint)" + S + ".Scratch"),
            new("nuint-8", typeof(nuint), "(nuint)8"),
            new("long-0", typeof(long), "0L"),
            new("long-minus1", typeof(long), "-1L"),
            new("long-41", typeof(long), "0x4141414141414141L"),
            new("long-8", typeof(long), "8L"),
        ]);
        // A module-owned native block, so that pointer parameters have a benign choice that does not crash.
        foreach (var t in new[] { typeof(byte), typeof(short), typeof(ushort), typeof(int), typeof(uint), typeof(long),
                     typeof(ulong), typeof(char), typeof(float), typeof(double), typeof(sbyte), typeof(void) })
        {
            var name = CSharpNames.Of(t);
            p.Add(new("scratch-" + name + "-ptr", t.MakePointerType(), "(" + name + "*)" + S + ".Scratch"));
        }
        foreach (var v in new[] { 0, 1, 2, 3, 4, 8, 16, -1 })
            p.Add(new("int-" + (v < 0 ? "minus" + -v : v.ToString(CultureInfo.InvariantCulture)), typeof(int),
                v.ToString(CultureInfo.InvariantCulture)));
        foreach (var (type, slot) in Slots)
            p.Add(new("slot-" + slot, type, S + "." + slot, IsRef: true));
    }
}
