using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Memoize;

/// <summary>How one argument enters the key (src/KcrRuntime/README.md, section 3).</summary>
internal enum ArgumentKeyKind
{
    /// <summary>One scalar of the <c>MemoKey</c>: a primitive, an enum (by its underlying type) or an unmanaged struct.</summary>
    Scalar,
    /// <summary><c>Nullable&lt;S&gt;</c>: two scalars, <c>HasValue</c> and <c>GetValueOrDefault()</c>.</summary>
    Nullable,
    /// <summary>A buffer, hashed and compared in place (<c>MemoBuffer.Of</c>); arrays and strings add a null flag scalar.</summary>
    Buffer,
}

/// <summary>The kinds of buffer argument (<c>MemoBuffer.Of</c> overloads).</summary>
internal enum BufferKind { Array, String, ReadOnlySpan, Span, ReadOnlyMemory, Memory }

/// <summary>The key plan of one parameter.</summary>
/// <param name="Kind">How it enters the key.</param>
/// <param name="Type">The scalar's type (the underlying type of an enum), the nullable's value type, or the buffer's element type.</param>
/// <param name="Buffer">For <see cref="ArgumentKeyKind.Buffer"/>, which kind.</param>
internal sealed record ArgumentKey(ArgumentKeyKind Kind, TypeReference? Type, BufferKind Buffer = BufferKind.Array)
{
    /// <summary>Whether the argument is a buffer a callee could write through (array, span, memory).</summary>
    public bool IsWritableBuffer => Kind == ArgumentKeyKind.Buffer && Buffer is BufferKind.Array or BufferKind.Span or BufferKind.Memory;
}

/// <summary>Chooses the key plan per parameter type and emits the scalars and buffer views.</summary>
internal static class ArgumentKeys
{
    /// <summary>At most this many buffer arguments per method (the table's TryGet/Lookup/Add overloads).</summary>
    public const int MaxBuffers = 2;

    private static readonly HashSet<string> Primitives = new(StringComparer.Ordinal)
    {
        "System.Boolean", "System.Byte", "System.SByte", "System.Int16", "System.UInt16", "System.Char", "System.Int32",
        "System.UInt32", "System.Int64", "System.UInt64", "System.IntPtr", "System.UIntPtr", "System.Single", "System.Double",
        "System.Decimal",
    };

    /// <summary>The key plan for a parameter of <paramref name="type"/>, or null with the reason it cannot be a key.</summary>
    public static ArgumentKey? Plan(TypeReference type, out string? reason)
    {
        reason = null;
        type = GenericSubstitution.StripModifiers(type);
        switch (type)
        {
            case ByReferenceType:
                reason = "it is passed by reference (ref/out/in), so the callee could write through it";
                return null;
            case PointerType or FunctionPointerType:
                reason = "it is a pointer, whose target bytes are not part of any key";
                return null;
            case GenericParameter:
                reason = "its type is a generic parameter";
                return null;
            case ArrayType array:
                if (!array.IsVector) { reason = $"{array.FullName} is a multi-dimensional array"; return null; }
                return BufferOf(BufferKind.Array, array.ElementType, type, out reason);
            case GenericInstanceType { ElementType.FullName: "System.Nullable`1" } nullable:
                var inner = GenericSubstitution.StripModifiers(nullable.GenericArguments[0]);
                if (Plan(inner, out reason) is { Kind: ArgumentKeyKind.Scalar } value) return new ArgumentKey(ArgumentKeyKind.Nullable, value.Type);
                reason ??= $"{type.FullName} wraps an unsupported value";
                return null;
            case GenericInstanceType { ElementType.FullName: "System.ReadOnlySpan`1" } g:
                return BufferOf(BufferKind.ReadOnlySpan, g.GenericArguments[0], type, out reason);
            case GenericInstanceType { ElementType.FullName: "System.Span`1" } g:
                return BufferOf(BufferKind.Span, g.GenericArguments[0], type, out reason);
            case GenericInstanceType { ElementType.FullName: "System.ReadOnlyMemory`1" } g:
                return BufferOf(BufferKind.ReadOnlyMemory, g.GenericArguments[0], type, out reason);
            case GenericInstanceType { ElementType.FullName: "System.Memory`1" } g:
                return BufferOf(BufferKind.Memory, g.GenericArguments[0], type, out reason);
        }
        if (Primitives.Contains(type.FullName)) return new ArgumentKey(ArgumentKeyKind.Scalar, type);
        if (type.MetadataType == MetadataType.String) return new ArgumentKey(ArgumentKeyKind.Buffer, null, BufferKind.String);
        var definition = MemoizableTypes.Resolve(type, out reason);
        if (definition is null) return null;
        if (definition.IsEnum)
        {
            var underlying = EnumUnderlying(definition);
            if (underlying is not null && Primitives.Contains(underlying.FullName)) return new ArgumentKey(ArgumentKeyKind.Scalar, underlying);
            reason = $"enum {type.FullName} has an unsupported underlying type";
            return null;
        }
        if (definition.IsValueType)
        {
            if (MemoizableTypes.IsUnmanaged(type, 0, out var why)) return new ArgumentKey(ArgumentKeyKind.Scalar, type);
            reason = $"struct {type.FullName} is not unmanaged ({why})";
            return null;
        }
        reason = $"{type.FullName} is a reference type other than string and arrays of unmanaged elements; its contents could change without the key changing";
        return null;
    }

    private static ArgumentKey? BufferOf(BufferKind kind, TypeReference element, TypeReference whole, out string? reason)
    {
        reason = null;
        element = GenericSubstitution.StripModifiers(element);
        string? why = "it is a reference type";
        if (element is GenericInstanceType { ElementType.FullName: "System.Nullable`1" })
            why = "Nullable<T> is not an unmanaged element";
        else if (element is not GenericParameter && MemoizableTypes.IsUnmanaged(element, 0, out why))
            return new ArgumentKey(ArgumentKeyKind.Buffer, element, kind);
        reason = $"{whole.FullName} holds elements that are not unmanaged values ({why}); only their bytes could be a key";
        return null;
    }

    private static TypeReference? EnumUnderlying(TypeDefinition definition) =>
        definition.Fields.FirstOrDefault(f => !f.IsStatic)?.FieldType;

    /// <summary>The scalar types the key holds for <paramref name="keys"/>, in order.</summary>
    public static List<TypeReference> Components(ModuleDefinition module, IReadOnlyList<ArgumentKey> keys)
    {
        var components = new List<TypeReference>();
        foreach (var key in keys)
        {
            switch (key.Kind)
            {
                case ArgumentKeyKind.Scalar: components.Add(InModule(module, key.Type!)); break;
                case ArgumentKeyKind.Nullable: components.Add(module.TypeSystem.Boolean); components.Add(InModule(module, key.Type!)); break;
                case ArgumentKeyKind.Buffer when key.Buffer is BufferKind.Array or BufferKind.String: components.Add(module.TypeSystem.Boolean); break;
            }
        }
        if (components.Count == 0) components.Add(module.TypeSystem.Byte); // a method of spans only: a constant scalar
        return components;
    }

    /// <summary>The key type for <paramref name="components"/>: <c>MemoKey</c> of up to four, nesting the rest in the fourth.</summary>
    public static GenericInstanceType KeyType(KcrAbi abi, IReadOnlyList<TypeReference> components) =>
        components.Count <= 4 ? abi.MemoKeyOf(components) : abi.MemoKeyOf([.. components.Take(3), KeyType(abi, [.. components.Skip(3)])]);

    /// <summary>Pushes the key value (<c>newobj MemoKey..(scalars)</c>, nested as <see cref="KeyType"/>).</summary>
    public static void EmitKey(ILProcessor il, KcrAbi abi, MethodDefinition method, IReadOnlyList<ArgumentKey> keys, IReadOnlyList<TypeReference> components)
    {
        var pushes = new List<Action>();
        for (int i = 0; i < keys.Count; i++)
        {
            var parameter = method.Parameters[i];
            var key = keys[i];
            switch (key.Kind)
            {
                case ArgumentKeyKind.Scalar:
                    pushes.Add(() => il.Emit(OpCodes.Ldarg, parameter));
                    break;
                case ArgumentKeyKind.Nullable:
                    var nullable = (GenericInstanceType)GenericSubstitution.StripModifiers(parameter.ParameterType);
                    var open = new TypeReference("System", "Nullable`1", method.Module, nullable.ElementType.Scope, valueType: true);
                    open.GenericParameters.Add(new GenericParameter("T", open));
                    var hasValue = new MethodReference("get_HasValue", method.Module.TypeSystem.Boolean, nullable) { HasThis = true };
                    var valueOrDefault = new MethodReference("GetValueOrDefault", open.GenericParameters[0], nullable) { HasThis = true };
                    pushes.Add(() => { il.Emit(OpCodes.Ldarga, parameter); il.Emit(OpCodes.Call, hasValue); });
                    pushes.Add(() => { il.Emit(OpCodes.Ldarga, parameter); il.Emit(OpCodes.Call, valueOrDefault); });
                    break;
                case ArgumentKeyKind.Buffer when key.Buffer is BufferKind.Array or BufferKind.String:
                    pushes.Add(() => { il.Emit(OpCodes.Ldarg, parameter); il.Emit(OpCodes.Ldnull); il.Emit(OpCodes.Cgt_Un); });
                    break;
            }
        }
        if (pushes.Count == 0) pushes.Add(() => il.Emit(OpCodes.Ldc_I4_0));
        Emit(il, abi, pushes, components);
    }

    private static void Emit(ILProcessor il, KcrAbi abi, List<Action> pushes, IReadOnlyList<TypeReference> components)
    {
        if (components.Count <= 4)
        {
            foreach (var push in pushes) push();
        }
        else
        {
            foreach (var push in pushes.Take(3)) push();
            Emit(il, abi, [.. pushes.Skip(3)], [.. components.Skip(3)]);
        }
        il.Emit(OpCodes.Newobj, abi.MemoKeyCtor(KeyType(abi, components)));
    }

    /// <summary>Stores the buffer views of the buffer parameters in <paramref name="locals"/>, in parameter order.</summary>
    public static void EmitBuffers(ILProcessor il, KcrAbi abi, MethodDefinition method, IReadOnlyList<ArgumentKey> keys, IReadOnlyList<VariableDefinition> locals)
    {
        int b = 0;
        for (int i = 0; i < keys.Count; i++)
        {
            if (keys[i].Kind != ArgumentKeyKind.Buffer) continue;
            il.Emit(OpCodes.Ldarg, method.Parameters[i]);
            il.Emit(OpCodes.Call, abi.BufferOf(keys[i].Buffer, keys[i].Type is null ? null : method.Module.ImportReference(keys[i].Type)));
            il.Emit(OpCodes.Stloc, locals[b++]);
        }
    }

    // Scalar types named from the module's own core library (an enum's underlying type may come from another
    // assembly's signature).
    private static TypeReference InModule(ModuleDefinition module, TypeReference type)
    {
        var ts = module.TypeSystem;
        return type.FullName switch
        {
            "System.Boolean" => ts.Boolean, "System.Byte" => ts.Byte, "System.SByte" => ts.SByte, "System.Int16" => ts.Int16,
            "System.UInt16" => ts.UInt16, "System.Char" => ts.Char, "System.Int32" => ts.Int32, "System.UInt32" => ts.UInt32,
            "System.Int64" => ts.Int64, "System.UInt64" => ts.UInt64, "System.IntPtr" => ts.IntPtr, "System.UIntPtr" => ts.UIntPtr,
            "System.Single" => ts.Single, "System.Double" => ts.Double,
            "System.Decimal" => new TypeReference("System", "Decimal", module, ts.CoreLibrary, valueType: true),
            _ => module.ImportReference(type),
        };
    }
}
