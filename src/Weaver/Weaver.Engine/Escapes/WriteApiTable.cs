namespace Weaver.Engine.Escapes;

/// <summary>How a library call's destination is named and how far the write reaches.</summary>
internal enum Destination
{
    /// <summary>Every element of the array argument <c>Dest</c>.</summary>
    WholeArray,
    /// <summary>Elements <c>[arg Start, arg Start + arg Count)</c> of the array argument <c>Dest</c>.</summary>
    ArrayRange,
    /// <summary>Elements from <c>arg Start</c> to the end of the array argument <c>Dest</c>.</summary>
    ArrayFrom,
    /// <summary><c>arg Count * Scale</c> bytes (or <c>Scale</c> bytes when there is no count) at the pointer argument <c>Dest</c> (plus <c>arg Start</c> bytes when given).</summary>
    Pointer,
    /// <summary>Every element of the <c>Span&lt;T&gt;</c> argument <c>Dest</c>.</summary>
    Span,
    /// <summary>Every element of the <c>Span&lt;T&gt;</c> the instance method is called on.</summary>
    ThisSpan,
    /// <summary>Every element of the array the instance method is called on.</summary>
    ThisArray,
    /// <summary><c>sizeof(T)</c> bytes (T the method's first generic argument) at the pointer or byref argument <c>Dest</c>.</summary>
    PointerSizeOfT,
}

/// <summary>One library method that writes memory on the caller's behalf, and where.</summary>
/// <param name="Type">The declaring type, reflection-style (<c>System.Span`1</c>).</param>
/// <param name="Method">The method name (<c>.ctor</c>, <c>op_Implicit</c> included).</param>
/// <param name="Arity">How many parameters the overload has.</param>
/// <param name="Kind">What the destination is.</param>
/// <param name="Dest">The destination's parameter index (not counting <c>this</c>).</param>
/// <param name="Start">The parameter holding the first element (or the byte offset for pointers), or -1.</param>
/// <param name="Count">The parameter holding the element (or byte) count, or -1.</param>
/// <param name="Scale">Bytes per counted unit for pointer destinations (or the fixed size when there is no count).</param>
/// <param name="FirstParameter">When set, the overload's first parameter type must have this full name.</param>
internal sealed record WriteApi(string Type, string Method, int Arity, Destination Kind, int Dest = 0, int Start = -1, int Count = -1, int Scale = 1, string? FirstParameter = null);

/// <summary>
/// The library calls that write memory for a module, with the argument that names the destination and how to
/// compute its extent. The guard checks the destination before the call. Writes through <c>ref</c>/<c>out</c>
/// parameters of any external method (<c>Interlocked.*</c>, <c>Volatile.Write</c>, <c>Unsafe.Write</c>, <c>Array.Resize</c>...)
/// need no entry: every byref argument is checked by address. Spans are checked where they are written
/// (indexer stores are ordinary guarded stores; bulk writes are listed here). To cover another API, add a row.
/// </summary>
internal static class WriteApiTable
{
    public static readonly WriteApi[] Entries =
    [
        // System.Array
        new("System.Array", "Copy", 3, Destination.ArrayRange, Dest: 1, Start: -1, Count: 2),
        new("System.Array", "Copy", 5, Destination.ArrayRange, Dest: 2, Start: 3, Count: 4),
        new("System.Array", "ConstrainedCopy", 5, Destination.ArrayRange, Dest: 2, Start: 3, Count: 4),
        new("System.Array", "Clear", 1, Destination.WholeArray),
        new("System.Array", "Clear", 3, Destination.ArrayRange, Start: 1, Count: 2),
        new("System.Array", "Fill", 2, Destination.WholeArray),
        new("System.Array", "Fill", 4, Destination.ArrayRange, Start: 2, Count: 3),
        new("System.Array", "Reverse", 1, Destination.WholeArray),
        new("System.Array", "Reverse", 3, Destination.ArrayRange, Start: 1, Count: 2),
        new("System.Array", "Sort", 1, Destination.WholeArray),
        new("System.Array", "Sort", 2, Destination.WholeArray),
        new("System.Array", "Sort", 3, Destination.WholeArray),
        new("System.Array", "Sort", 4, Destination.WholeArray),
        new("System.Array", "SetValue", 2, Destination.ThisArray),
        new("System.Array", "SetValue", 3, Destination.ThisArray),
        new("System.Array", "CopyTo", 2, Destination.ArrayFrom, Dest: 0, Start: 1),
        new("System.Buffer", "BlockCopy", 5, Destination.WholeArray, Dest: 2),
        new("System.Buffer", "MemoryCopy", 4, Destination.Pointer, Dest: 1, Count: 3),
        // Unmanaged memory
        new("System.Runtime.InteropServices.NativeMemory", "Copy", 3, Destination.Pointer, Dest: 1, Count: 2),
        new("System.Runtime.InteropServices.NativeMemory", "Fill", 3, Destination.Pointer, Dest: 0, Count: 1),
        new("System.Runtime.InteropServices.NativeMemory", "Clear", 2, Destination.Pointer, Dest: 0, Count: 1),
        new("System.Runtime.InteropServices.Marshal", "Copy", 4, Destination.Pointer, Dest: 2, Count: 3, Scale: 1, FirstParameter: "System.Byte[]"),
        new("System.Runtime.InteropServices.Marshal", "Copy", 4, Destination.Pointer, Dest: 2, Count: 3, Scale: 2, FirstParameter: "System.Char[]"),
        new("System.Runtime.InteropServices.Marshal", "Copy", 4, Destination.Pointer, Dest: 2, Count: 3, Scale: 2, FirstParameter: "System.Int16[]"),
        new("System.Runtime.InteropServices.Marshal", "Copy", 4, Destination.Pointer, Dest: 2, Count: 3, Scale: 4, FirstParameter: "System.Int32[]"),
        new("System.Runtime.InteropServices.Marshal", "Copy", 4, Destination.Pointer, Dest: 2, Count: 3, Scale: 4, FirstParameter: "System.Single[]"),
        new("System.Runtime.InteropServices.Marshal", "Copy", 4, Destination.Pointer, Dest: 2, Count: 3, Scale: 8, FirstParameter: "System.Int64[]"),
        new("System.Runtime.InteropServices.Marshal", "Copy", 4, Destination.Pointer, Dest: 2, Count: 3, Scale: 8, FirstParameter: "System.Double[]"),
        new("System.Runtime.InteropServices.Marshal", "Copy", 4, Destination.Pointer, Dest: 2, Count: 3, Scale: 8, FirstParameter: "System.IntPtr[]"),
        new("System.Runtime.InteropServices.Marshal", "Copy", 4, Destination.ArrayRange, Dest: 1, Start: 2, Count: 3, FirstParameter: "System.IntPtr"),
        new("System.Runtime.InteropServices.Marshal", "WriteByte", 2, Destination.Pointer, Scale: 1, FirstParameter: "System.IntPtr"),
        new("System.Runtime.InteropServices.Marshal", "WriteByte", 3, Destination.Pointer, Start: 1, Scale: 1, FirstParameter: "System.IntPtr"),
        new("System.Runtime.InteropServices.Marshal", "WriteInt16", 2, Destination.Pointer, Scale: 2, FirstParameter: "System.IntPtr"),
        new("System.Runtime.InteropServices.Marshal", "WriteInt16", 3, Destination.Pointer, Start: 1, Scale: 2, FirstParameter: "System.IntPtr"),
        new("System.Runtime.InteropServices.Marshal", "WriteInt32", 2, Destination.Pointer, Scale: 4, FirstParameter: "System.IntPtr"),
        new("System.Runtime.InteropServices.Marshal", "WriteInt32", 3, Destination.Pointer, Start: 1, Scale: 4, FirstParameter: "System.IntPtr"),
        new("System.Runtime.InteropServices.Marshal", "WriteInt64", 2, Destination.Pointer, Scale: 8, FirstParameter: "System.IntPtr"),
        new("System.Runtime.InteropServices.Marshal", "WriteInt64", 3, Destination.Pointer, Start: 1, Scale: 8, FirstParameter: "System.IntPtr"),
        new("System.Runtime.InteropServices.Marshal", "WriteIntPtr", 2, Destination.Pointer, Scale: 8, FirstParameter: "System.IntPtr"),
        new("System.Runtime.InteropServices.Marshal", "WriteIntPtr", 3, Destination.Pointer, Start: 1, Scale: 8, FirstParameter: "System.IntPtr"),
        // System.Runtime.CompilerServices.Unsafe: pointer destinations are not byrefs, and the ref-byte block
        // overloads write far more than the one byte the generic byref check covers.
        new("System.Runtime.CompilerServices.Unsafe", "CopyBlock", 3, Destination.Pointer, Dest: 0, Count: 2),
        new("System.Runtime.CompilerServices.Unsafe", "CopyBlockUnaligned", 3, Destination.Pointer, Dest: 0, Count: 2),
        new("System.Runtime.CompilerServices.Unsafe", "InitBlock", 3, Destination.Pointer, Dest: 0, Count: 2),
        new("System.Runtime.CompilerServices.Unsafe", "InitBlockUnaligned", 3, Destination.Pointer, Dest: 0, Count: 2),
        new("System.Runtime.CompilerServices.Unsafe", "Write", 2, Destination.PointerSizeOfT, Dest: 0, FirstParameter: "System.Void*"),
        new("System.Runtime.CompilerServices.Unsafe", "WriteUnaligned", 2, Destination.PointerSizeOfT, Dest: 0),
        new("System.Runtime.CompilerServices.Unsafe", "Copy", 2, Destination.PointerSizeOfT, Dest: 0, FirstParameter: "System.Void*"),
        new("System.Random", "Shuffle", 1, Destination.WholeArray, FirstParameter: "!!0[]"),
        // Bulk span writes (the span's own extent is the destination)
        new("System.Span`1", "Fill", 1, Destination.ThisSpan),
        new("System.Span`1", "Clear", 0, Destination.ThisSpan),
        new("System.Span`1", "CopyTo", 1, Destination.Span, Dest: 0),
        new("System.Span`1", "TryCopyTo", 1, Destination.Span, Dest: 0),
        new("System.ReadOnlySpan`1", "CopyTo", 1, Destination.Span, Dest: 0),
        new("System.ReadOnlySpan`1", "TryCopyTo", 1, Destination.Span, Dest: 0),
        new("System.MemoryExtensions", "CopyTo", 2, Destination.Span, Dest: 1, FirstParameter: "!!0[]"),
        new("System.MemoryExtensions", "Reverse", 1, Destination.Span, FirstParameter: "System.Span`1<!!0>"),
        new("System.MemoryExtensions", "Sort", 1, Destination.Span, FirstParameter: "System.Span`1<!!0>"),
        new("System.MemoryExtensions", "Sort", 2, Destination.Span, FirstParameter: "System.Span`1<!!0>"),
        new("System.Buffers.Binary.BinaryPrimitives", "*", 2, Destination.Span, Dest: 0, FirstParameter: "System.Span`1<System.Byte>"),
        new("System.BitConverter", "TryWriteBytes", 2, Destination.Span, Dest: 0),
        new("System.Text.Encoding", "GetBytes", 2, Destination.Span, Dest: 1, FirstParameter: "System.ReadOnlySpan`1<System.Char>"),
        new("System.Text.Encoding", "GetBytes", 5, Destination.ArrayFrom, Dest: 3, Start: 4),
        new("System.Text.Encoding", "GetChars", 5, Destination.ArrayFrom, Dest: 3, Start: 4),
        new("System.String", "CopyTo", 4, Destination.ArrayRange, Dest: 1, Start: 2, Count: 3),
        // Streams and readers filling a buffer
        new("System.IO.Stream", "Read", 3, Destination.ArrayRange, Dest: 0, Start: 1, Count: 2),
        new("System.IO.Stream", "ReadAsync", 4, Destination.ArrayRange, Dest: 0, Start: 1, Count: 2),
        new("System.IO.Stream", "ReadExactly", 3, Destination.ArrayRange, Dest: 0, Start: 1, Count: 2),
        new("System.IO.Stream", "Read", 1, Destination.Span, Dest: 0),
        new("System.IO.Stream", "ReadExactly", 1, Destination.Span, Dest: 0),
        new("System.IO.BinaryReader", "Read", 3, Destination.ArrayRange, Dest: 0, Start: 1, Count: 2),
        new("System.Random", "NextBytes", 1, Destination.WholeArray, FirstParameter: "System.Byte[]"),
        new("System.Random", "NextBytes", 1, Destination.Span, FirstParameter: "System.Span`1<System.Byte>"),
        // Collections copying into a caller's array
        new("System.Collections.Generic.List`1", "CopyTo", 1, Destination.WholeArray),
        new("System.Collections.Generic.List`1", "CopyTo", 2, Destination.ArrayFrom, Dest: 0, Start: 1),
        new("System.Collections.Generic.List`1", "CopyTo", 4, Destination.ArrayRange, Dest: 1, Start: 2, Count: 3),
    ];

    /// <summary>The entry for a call to <c>type::method</c> with <paramref name="firstParameter"/> as its first parameter type, or null.</summary>
    public static WriteApi? Find(string type, string method, int arity, string? firstParameter) =>
        Entries.FirstOrDefault(e => e.Type == type && (e.Method == method || e.Method == "*" && method.StartsWith("Write", StringComparison.Ordinal))
                                    && e.Arity == arity && (e.FirstParameter is null || e.FirstParameter == firstParameter));
}
