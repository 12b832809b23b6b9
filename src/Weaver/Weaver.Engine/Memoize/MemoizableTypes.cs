using Mono.Cecil;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Memoize;

/// <summary>
/// The KCR runtime's type rules, decided on Cecil metadata at weave time so that an unsupported method is an error
/// of the weave rather than a <see cref="NotSupportedException"/> when its table is created. Mirrors
/// <c>KcrRuntime.ResultPolicy</c>: unmanaged values; <c>string</c>; 1-D arrays of unmanaged elements; value types or
/// sealed classes whose fields are all read-only and of these kinds.
/// </summary>
internal static class MemoizableTypes
{
    private const int MaxDepth = 16;

    /// <summary>True when <paramref name="type"/> holds no object references anywhere (C#'s <c>unmanaged</c>).</summary>
    public static bool IsUnmanaged(TypeReference type) => IsUnmanaged(type, 0, out _);

    /// <summary>Like <see cref="IsUnmanaged(TypeReference)"/>, explaining a failure.</summary>
    public static bool IsUnmanaged(TypeReference type, int depth, out string? reason)
    {
        reason = null;
        type = GenericSubstitution.StripModifiers(type);
        if (type.IsPrimitive || type is PointerType or FunctionPointerType) return true;
        if (depth > MaxDepth) { reason = $"{type.FullName} nests too deeply"; return false; }
        if (type is GenericParameter) { reason = $"{type.FullName} is a generic parameter"; return false; }
        if (type is ArrayType or ByReferenceType || type.MetadataType is MetadataType.String or MetadataType.Object)
        {
            reason = $"{type.FullName} is not an unmanaged value";
            return false;
        }
        var definition = Resolve(type, out reason);
        if (definition is null) return false;
        if (definition.IsEnum) return true;
        if (!definition.IsValueType) { reason = $"{type.FullName} is a reference type"; return false; }
        if (IsByRefLike(definition)) { reason = $"{type.FullName} is a ref struct"; return false; }
        foreach (var field in definition.Fields.Where(f => !f.IsStatic))
        {
            var fieldType = FieldType(type, field);
            if (!IsUnmanaged(fieldType, depth + 1, out var inner))
            {
                reason = $"field {definition.FullName}::{field.Name} holds references ({inner})";
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether a result of <paramref name="type"/> can be cached (the runtime's rule); <paramref name="reason"/> says why not.</summary>
    public static bool IsSupportedResult(TypeReference type, out string? reason)
    {
        reason = null;
        type = GenericSubstitution.StripModifiers(type);
        switch (type)
        {
            case { MetadataType: MetadataType.Void }:
                reason = "it returns void, so there is no result to reuse";
                return false;
            case ByReferenceType:
                reason = "it returns by reference";
                return false;
            case PointerType or FunctionPointerType:
                reason = "it returns a pointer, which cannot be a cached value";
                return false;
            case GenericParameter:
                reason = "its result type is a generic parameter";
                return false;
        }
        if (type is ArrayType array)
        {
            if (array.IsVector && IsUnmanaged(array.ElementType, 0, out _)) return true;
            reason = $"its result type {type.FullName} is an array of references or a multi-dimensional array, which would have to be deep-copied";
            return false;
        }
        if (type.MetadataType == MetadataType.String) return true;
        var definition = Resolve(type, out reason);
        if (definition is null) { reason = $"its result type cannot be resolved ({reason})"; return false; }
        if (definition.IsValueType && IsByRefLike(definition))
        {
            reason = $"its result type {type.FullName} is a ref struct, which cannot be stored";
            return false;
        }
        if (IsUnmanaged(type, 0, out _)) return true;
        if (IsImmutable(type, new HashSet<string>(StringComparer.Ordinal), 0, out var why)) return true;
        reason = $"its result type {type.FullName} could be mutated by a caller after being cached ({why}); supported results are unmanaged values, string, " +
                 "arrays of unmanaged elements, and value types or sealed classes whose fields are all read-only and of these kinds";
        return false;
    }

    /// <summary>The resolved definition, or null with a reason.</summary>
    public static TypeDefinition? Resolve(TypeReference type, out string? reason)
    {
        reason = null;
        try
        {
            var definition = type.Resolve();
            if (definition is null) reason = $"{type.FullName} cannot be resolved (pass its folder with --reference)";
            return definition;
        }
        catch (AssemblyResolutionException e)
        {
            reason = $"{type.FullName} cannot be resolved: {e.Message}";
            return null;
        }
    }

    public static bool IsByRefLike(TypeDefinition definition) =>
        definition.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.IsByRefLikeAttribute");

    private static bool IsImmutable(TypeReference type, HashSet<string> inProgress, int depth, out string? reason)
    {
        reason = null;
        type = GenericSubstitution.StripModifiers(type);
        if (type.MetadataType == MetadataType.String || IsUnmanaged(type, 0, out _) || !inProgress.Add(type.FullName)) return true;
        if (depth > MaxDepth) { reason = $"{type.FullName} nests too deeply"; return false; }
        if (type is ArrayType) { reason = $"{type.FullName} is an array that would have to be deep-copied"; return false; }
        if (type is GenericParameter or ByReferenceType or PointerType) { reason = $"{type.FullName} is not a storable immutable type"; return false; }
        var definition = Resolve(type, out reason);
        if (definition is null) return false;
        if (!definition.IsValueType && !definition.IsSealed) { reason = $"{type.FullName} is not sealed, so a derived instance could carry mutable state"; return false; }
        if (definition.IsInterface || definition.IsAbstract || IsDelegate(definition)) { reason = $"{type.FullName} is an interface, abstract type or delegate"; return false; }
        TypeReference? current = type;
        while (current is not null && current.FullName is not "System.Object" and not "System.ValueType")
        {
            var currentDefinition = Resolve(current, out reason);
            if (currentDefinition is null) return false;
            foreach (var field in currentDefinition.Fields.Where(f => !f.IsStatic))
            {
                if (!definition.IsValueType && !field.IsInitOnly)
                {
                    reason = $"field {currentDefinition.FullName}::{field.Name} is not read-only";
                    return false;
                }
                if (!IsImmutable(FieldType(current, field), inProgress, depth + 1, out reason)) return false;
            }
            current = currentDefinition.BaseType;
        }
        return true;
    }

    private static bool IsDelegate(TypeDefinition definition) =>
        definition.BaseType?.FullName is "System.MulticastDelegate" or "System.Delegate";

    // The field's type as seen through a generic instance of its declaring type (Nullable<int>::value is int).
    private static TypeReference FieldType(TypeReference owner, FieldDefinition field) =>
        owner is GenericInstanceType instance
            ? GenericSubstitution.FieldType(new FieldReference(field.Name, field.FieldType, instance))
            : field.FieldType;
}
