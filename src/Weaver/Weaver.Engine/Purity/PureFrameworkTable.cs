namespace Weaver.Engine.Purity;

/// <summary>
/// The reviewed framework members whose result is a function of their arguments (and the memory those reach), and
/// which write nothing but what the effect model names. Anything not listed is impure: deny by default. The list
/// is small on purpose; a member is added here only after reading what it does.
/// </summary>
internal static class PureFrameworkTable
{
    private static readonly MemberPattern[] Rows =
    [
        // Arithmetic and bit manipulation on values.
        new("System.Math", "*"), new("System.MathF", "*"), new("System.Numerics.BitOperations", "*"),
        new("System.Buffers.Binary.BinaryPrimitives", "*"), new("System.BitConverter", "*"),
        new("System.Boolean", "*"), new("System.Byte", "*"), new("System.SByte", "*"), new("System.Char", "*"),
        new("System.Int16", "*"), new("System.UInt16", "*"), new("System.Int32", "*"), new("System.UInt32", "*"),
        new("System.Int64", "*"), new("System.UInt64", "*"), new("System.Int128", "*"), new("System.UInt128", "*"),
        new("System.IntPtr", "*"), new("System.UIntPtr", "*"), new("System.Single", "*"), new("System.Double", "*"),
        new("System.Half", "*"), new("System.Decimal", "*"), new("System.Numerics.BigInteger", "*"),
        new("System.Numerics.Complex", "*"), new("System.Numerics.Vector*", "*"), new("System.Runtime.Intrinsics.*", "*"),
        new("System.TimeSpan", "*"), new("System.DateTime", "*"), new("System.DateTimeOffset", "*"),
        new("System.DateOnly", "*"), new("System.TimeOnly", "*"), new("System.Guid", "*"), new("System.Enum", "HasFlag"),
        new("System.Nullable`1", "*"), new("System.Nullable", "*"), new("System.ValueTuple*", "*"),
        new("System.Index", "*"), new("System.Range", "*"), new("System.Text.Rune", "*"),
        // Strings and text (culture-dependent overloads are refused separately).
        new("System.String", "*"), new("System.Text.StringBuilder", "*"), new("System.Text.Ascii", "*"),
        new("System.Text.Encoding", "get_UTF8"), new("System.Text.Encoding", "get_ASCII"),
        new("System.Text.Encoding", "get_Unicode"), new("System.Text.Encoding", "get_Latin1"),
        new("System.Text.Encoding", "GetBytes"), new("System.Text.Encoding", "GetString"),
        new("System.Text.Encoding", "GetByteCount"), new("System.Text.Encoding", "GetCharCount"),
        new("System.Text.Encoding", "GetChars"), new("System.Text.Encoding", "GetMaxByteCount"),
        new("System.Globalization.CultureInfo", "get_InvariantCulture"), new("System.Globalization.CharUnicodeInfo", "*"),
        new("System.Buffers.SearchValues", "Create"), new("System.Buffers.SearchValues`1", "Contains"),
        new("System.Buffers.SearchValues`1", "IndexOfAny*"), new("System.Buffers.SearchValues`1", "ContainsAny*"),
        new("System.Globalization.NumberFormatInfo", "get_InvariantInfo"),
        new("System.Globalization.DateTimeFormatInfo", "get_InvariantInfo"),
        new("System.Runtime.CompilerServices.DefaultInterpolatedStringHandler", "*"),
        // Spans, arrays and the memory helpers the compiler emits for them.
        new("System.Span`1", "*"), new("System.ReadOnlySpan`1", "*"), new("System.Memory`1", "*"),
        new("System.ReadOnlyMemory`1", "*"), new("System.MemoryExtensions", "*"), new("System.ArraySegment`1", "*"),
        new("System.Span`1+Enumerator", "*"), new("System.ReadOnlySpan`1+Enumerator", "*"),
        new("System.Array", "Empty"), new("System.Array", "get_Length"), new("System.Array", "get_LongLength"),
        new("System.Array", "get_Rank"), new("System.Array", "GetLength"), new("System.Array", "Copy"),
        new("System.Array", "ConstrainedCopy"), new("System.Array", "Clear"), new("System.Array", "Fill"),
        new("System.Array", "Reverse"), new("System.Array", "Resize"), new("System.Array", "IndexOf"),
        new("System.Array", "LastIndexOf"), new("System.Array", "BinarySearch"), new("System.Array", "Clone"),
        new("System.Array", "Sort", null, "!!0[]"), new("System.Array", "Sort", null, "System.Array"),
        new("System.Buffer", "BlockCopy"), new("System.Buffer", "ByteLength"), new("System.Buffer", "GetByte"),
        new("System.Buffer", "SetByte"), new("System.Buffer", "MemoryCopy"),
        new("System.Runtime.CompilerServices.RuntimeHelpers", "InitializeArray"),
        new("System.Runtime.CompilerServices.RuntimeHelpers", "CreateSpan"),
        new("System.Runtime.CompilerServices.RuntimeHelpers", "GetSubArray"),
        new("System.Runtime.CompilerServices.RuntimeHelpers", "IsReferenceOrContainsReferences"),
        new("System.Runtime.CompilerServices.RuntimeHelpers", "EnsureSufficientExecutionStack"),
        new("System.Runtime.CompilerServices.Unsafe", "*"), new("System.Runtime.InteropServices.MemoryMarshal", "*"),
        new("System.Runtime.CompilerServices.InlineArray*", "*"),
        // Collections over values, used as scratch space inside a method (their writes are to fresh receivers).
        new("System.Collections.Generic.List`1", "*"), new("System.Collections.Generic.List`1+Enumerator", "*"),
        new("System.Collections.Generic.Dictionary`2", "*"), new("System.Collections.Generic.HashSet`1", "*"),
        new("System.Collections.Generic.Stack`1", "*"), new("System.Collections.Generic.Queue`1", "*"),
        new("System.Collections.Generic.KeyValuePair`2", "*"), new("System.Collections.Generic.KeyValuePair", "*"),
        new("System.Collections.Generic.Dictionary`2+Enumerator", "*"),
        new("System.Collections.Generic.EqualityComparer`1", "get_Default"),
        new("System.Collections.Generic.Comparer`1", "get_Default"),
        // One-shot hashes: functions of their input.
        new("System.Security.Cryptography.SHA1", "HashData"), new("System.Security.Cryptography.SHA256", "HashData"),
        new("System.Security.Cryptography.SHA384", "HashData"), new("System.Security.Cryptography.SHA512", "HashData"),
        new("System.Security.Cryptography.MD5", "HashData"), new("System.Security.Cryptography.HMACSHA256", "HashData"),
        new("System.Security.Cryptography.CryptographicOperations", "FixedTimeEquals"),
        new("System.IO.Hashing.Crc32", "Hash*"), new("System.IO.Hashing.Crc64", "Hash*"),
        new("System.IO.Hashing.XxHash32", "Hash*"), new("System.IO.Hashing.XxHash64", "Hash*"),
        new("System.IO.Hashing.XxHash3", "Hash*"), new("System.IO.Hashing.XxHash128", "Hash*"),
        // Throwing is deterministic; the exception is not a cached result.
        new("System.*Exception", ".ctor"), new("System.*Exception", "ThrowIf*"), new("System.Exception", "get_Message"),
        new("System.Object", ".ctor"), new("System.ValueType", ".ctor"),
        new("System.Type", "GetTypeFromHandle"), new("System.Type", "op_Equality"), new("System.Type", "op_Inequality"),
        new("System.RuntimeTypeHandle", "*"),
    ];

    /// <summary>Whether the overload of <c>type.member</c> with <paramref name="parameters"/> is a reviewed pure member.</summary>
    public static bool IsPure(string type, string member, string parameters) => Rows.Any(r => r.Matches(type, member, parameters));
}
