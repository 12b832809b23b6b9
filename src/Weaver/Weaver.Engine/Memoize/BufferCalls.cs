using GuardRuntime.Effects;
using Mono.Cecil;
using Weaver.Engine.Escapes;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Memoize;

/// <summary>What a framework call does with an argument that aliases a buffer argument of a memoized method.</summary>
internal enum BufferUse
{
    /// <summary>Only reads it; the result does not alias it.</summary>
    Reads,
    /// <summary>Only reads it, but the result may alias it (a slice, a span over it, a ref into it).</summary>
    PassesThrough,
    /// <summary>May write through it, or the analysis cannot tell (unclassified, reflective, a callback).</summary>
    MayWrite,
}

/// <summary>
/// Framework calls for <see cref="BufferWrites"/>: views over a buffer (<c>AsSpan</c>, <c>Slice</c>, span constructors,
/// <c>MemoryMarshal</c>, <c>Unsafe</c>) pass the alias through, so that what is done with the view decides; known
/// readers of arrays (hashes, ciphers, conversions) read; the rest follows the framework effect model, with its rule that
/// a <c>Span&lt;T&gt;</c>, <c>Memory&lt;T&gt;</c>, byref or pointer parameter is never vouched for by a class, and an array
/// only by an exact row. Anything unclassified may write.
/// </summary>
internal static class BufferCalls
{
    private static readonly HashSet<string> ViewTypes = new(StringComparer.Ordinal)
    {
        "System.Span`1", "System.ReadOnlySpan`1", "System.Memory`1", "System.ReadOnlyMemory`1", "System.ArraySegment`1",
    };

    // Readers of arrays the effect model classifies by pattern only: (type or namespace prefix, member prefixes).
    private static readonly (string Type, string[] Members)[] ArrayReaders =
    [
        ("System.Security.Cryptography.", ["HashData", "ComputeHash", "Encrypt", "Decrypt", "SignData", "SignHash", "VerifyData", "VerifyHash", "TryHashData", "TryEncrypt", "TryDecrypt"]),
        ("System.IO.Hashing.", ["Hash", "Append", "TryHash"]),
        ("System.Convert", ["ToBase64", "ToHexString"]),
        ("System.BitConverter", ["To"]),
        ("System.Array", ["IndexOf", "LastIndexOf", "BinarySearch", "Exists", "Find", "TrueForAll", "get_Length", "get_LongLength", "GetLength", "get_Rank"]),
        ("System.Linq.Enumerable", [""]),
        ("System.String", [".ctor", "Concat", "Join", "IndexOf", "LastIndexOf", "Split", "Trim", "StartsWith", "EndsWith", "Contains"]),
        ("System.Text.Encoding", ["GetString", "GetCharCount", "GetByteCount"]),
    ];

    /// <summary>What <paramref name="callee"/> does with its argument <paramref name="index"/> (-1: the receiver).</summary>
    public static BufferUse Classify(MethodReference callee, int index)
    {
        var type = TypeNames.Reflection(callee.DeclaringType);
        var open = callee.DeclaringType.GetElementType().FullName;
        var name = callee.Name;
        var parameterType = index < 0 ? callee.DeclaringType : GenericSubstitution.StripModifiers(callee.Parameters[index].ParameterType);
        if (ViewTypes.Contains(open))
        {
            bool writable = open is "System.Span`1" or "System.Memory`1" or "System.ArraySegment`1";
            if (name is "get_Length" or "get_IsEmpty" or "ToArray" or "ToString" or "Equals" or "GetHashCode" or "get_Count" or "get_Offset")
                return BufferUse.Reads;
            if (name is "CopyTo" or "TryCopyTo") return index < 0 ? BufferUse.Reads : BufferUse.MayWrite;
            if (writable && name is "Clear" or "Fill" or "set_Item") return BufferUse.MayWrite;
            return BufferUse.PassesThrough; // ctor, get_Item, Slice, get_Span, op_Implicit, GetPinnableReference, Pin...
        }
        if (type == "System.MemoryExtensions" && (name.StartsWith("AsSpan", StringComparison.Ordinal) || name.StartsWith("AsMemory", StringComparison.Ordinal)))
            return BufferUse.PassesThrough;
        if (type is "System.Runtime.InteropServices.MemoryMarshal" or "System.Runtime.CompilerServices.Unsafe"
            or "System.Runtime.InteropServices.CollectionsMarshal")
            return name.StartsWith("Write", StringComparison.Ordinal) || name.StartsWith("Copy", StringComparison.Ordinal)
                   || name.StartsWith("Init", StringComparison.Ordinal) || name.StartsWith("Clear", StringComparison.Ordinal)
                   || name.StartsWith("Fill", StringComparison.Ordinal) || name.StartsWith("TryWrite", StringComparison.Ordinal)
                ? BufferUse.MayWrite : BufferUse.PassesThrough;

        bool writableParameter = parameterType is ByReferenceType or PointerType
            || parameterType.GetElementType().FullName is "System.Span`1" or "System.Memory`1";
        bool array = parameterType is ArrayType;
        bool reader = ArrayReaders.Any(r => type.StartsWith(r.Type, StringComparison.Ordinal) && r.Members.Any(m => name.StartsWith(m, StringComparison.Ordinal)));
        if (reader) return writableParameter ? BufferUse.MayWrite : BufferUse.Reads;

        var rule = EffectModel.Framework.Classify(type, name, EffectSignature.Of(callee.GetElementMethod()));
        if (rule is null || writableParameter) return BufferUse.MayWrite;
        switch (rule.Class)
        {
            case EffectClass.ReadOnly or EffectClass.CallsBack:
                return array && !rule.IsExact ? BufferUse.MayWrite : BufferUse.Reads;
            case EffectClass.WritesArguments:
                return rule.Extents.Any(e => e.Dest == (index < 0 ? EffectExtent.This : index)) || array && !rule.IsExact
                    ? BufferUse.MayWrite : BufferUse.Reads;
            case EffectClass.WritesReceiver:
                return index < 0 || array ? BufferUse.MayWrite : BufferUse.Reads;
            default:
                return BufferUse.MayWrite;
        }
    }
}
