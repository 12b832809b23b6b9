using Mono.Cecil;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Escapes;

/// <summary>
/// Every way to turn a reference into a pointer or into a differently typed reference, refused by rule: field rules and
/// region lookups attribute a store to the type the module claims, so a forged type escapes them. "Contains
/// references" recurses into struct fields (<see cref="TypeShapes"/>): a struct wrapping a reference counts.
/// </summary>
public static class TypeConfusion
{
    /// <summary>Why a call to <paramref name="callee"/> (generic arguments as at the call site) is refused, or null.</summary>
    public static string? WhyRefused(MethodReference callee)
    {
        var type = TypeNames.Reflection(callee.DeclaringType);
        var generic = (callee as GenericInstanceMethod)?.GenericArguments;
        TypeReference? Arg(int i) => generic is not null && i < generic.Count ? generic[i] : null;
        bool Refs(int i) => Arg(i) is { } t && TypeShapes.ContainsReferences(t);
        string Name(int i) => Arg(i)?.FullName ?? "?";
        bool FirstIsPointer = callee.Parameters.Count > 0 && callee.Parameters[0].ParameterType is PointerType;
        switch (type, callee.Name)
        {
            case ("System.Runtime.CompilerServices.Unsafe", "As") when generic is { Count: 2 }:
                return Name(0) != Name(1) && (Refs(0) || Refs(1))
                    ? $"reinterprets a ref {Name(0)} as a ref {Name(1)}, and one of them holds object references" : null;
            // Unsafe.As<T>(object) is checked instead: the weaver makes it a castclass (Pipeline/ReinterpretStep).
            case ("System.Runtime.CompilerServices.Unsafe", "As") when generic is { Count: 1 } && callee.Parameters.Count == 1:
                return null;
            case ("System.Runtime.CompilerServices.Unsafe", "As"):
                return "reinterprets an object as another type, so field rules would see the wrong type";
            case ("System.Runtime.CompilerServices.Unsafe", "AsPointer") when Refs(0):
                return $"turns a ref {Name(0)} (a slot holding object references) into a raw pointer";
            case ("System.Runtime.CompilerServices.Unsafe", "AsRef") when FirstIsPointer && Refs(0):
                return $"turns a raw pointer into a ref {Name(0)}, which holds object references";
            case ("System.Runtime.CompilerServices.Unsafe", "Read" or "ReadUnaligned" or "Write" or "WriteUnaligned" or "Copy")
                when Refs(0):
                return $"reads or writes a {Name(0)}, which holds object references, as raw memory";
            case ("System.Runtime.CompilerServices.Unsafe", "BitCast") when Refs(0) || Refs(1):
                return $"reinterprets a {Name(0)} as a {Name(1)}, and one of them holds object references";
            case ("System.Runtime.InteropServices.MemoryMarshal", "Cast") when Refs(0) || Refs(1):
                return $"reinterprets a span of {Name(0)} as a span of {Name(1)}, and one of them holds object references";
            case ("System.Runtime.InteropServices.MemoryMarshal", "AsBytes" or "AsRef" or "Read" or "TryRead" or "Write" or "TryWrite")
                when Refs(0):
                return $"sees a {Name(0)}, which holds object references, as raw bytes";
            case ("System.Runtime.InteropServices.MemoryMarshal", "CreateSpan" or "CreateReadOnlySpan") when Refs(0):
                return $"makes a span of {Name(0)} (object references) of any length from a single ref";
        }
        return null;
    }

    /// <summary>
    /// Two instance fields of an explicit-layout type that overlap in memory where either holds references (at any
    /// depth): writing one and reading the other forges a reference, or a pointer from one. Returns the first such pair.
    /// </summary>
    public static (FieldDefinition A, FieldDefinition B)? OverlappingReferences(TypeDefinition type)
    {
        if (!type.IsExplicitLayout) return null;
        var fields = type.Fields.Where(f => !f.IsStatic && f.HasLayoutInfo).ToList();
        foreach (var a in fields)
            foreach (var b in fields)
            {
                if (ReferenceEquals(a, b) || a.Offset > b.Offset || a.FieldType.FullName == b.FieldType.FullName) continue;
                if (a.Offset != b.Offset && b.Offset >= a.Offset + SizeOf(a.FieldType)) continue;
                if (TypeShapes.ContainsReferences(a.FieldType) || TypeShapes.ContainsReferences(b.FieldType)) return (a, b);
            }
        return null;
    }

    // A conservative size for overlap: primitives exactly, anything else as large as it can be (so it overlaps).
    private static int SizeOf(TypeReference type) => type.MetadataType switch
    {
        MetadataType.Boolean or MetadataType.Byte or MetadataType.SByte => 1,
        MetadataType.Char or MetadataType.Int16 or MetadataType.UInt16 => 2,
        MetadataType.Int32 or MetadataType.UInt32 or MetadataType.Single => 4,
        MetadataType.Int64 or MetadataType.UInt64 or MetadataType.Double => 8,
        MetadataType.IntPtr or MetadataType.UIntPtr or MetadataType.Pointer => 8,
        _ => int.MaxValue / 2,
    };
}
