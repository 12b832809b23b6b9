using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Memoize;

/// <summary>How one argument is added to the key (the table of <c>src/KcrRuntime/README.md</c>, section 3).</summary>
internal enum ArgumentKeyKind
{
    /// <summary><c>ldarg; call KeyBuilder::Add(X)</c> for a primitive, an enum (its underlying type), string, or a span/memory of bytes.</summary>
    Add,
    /// <summary><c>ldarg; call KeyBuilder::Add(X[])</c> for an array of primitives or of enums over them.</summary>
    AddArray,
    /// <summary><c>ldarga; call KeyBuilder::AddBlittable&lt;S&gt;(in S)</c> for an unmanaged struct.</summary>
    Blittable,
    /// <summary><c>ldarg; call KeyBuilder::AddBlittableArray&lt;S&gt;(S[])</c>.</summary>
    BlittableArray,
    /// <summary><c>ldarg; call KeyBuilder::AddBlittableSpan&lt;X&gt;(ReadOnlySpan&lt;X&gt;)</c>.</summary>
    BlittableSpan,
    /// <summary>
    /// <c>Nullable&lt;S&gt;</c>: <c>Add(HasValue)</c>, then <see cref="ArgumentKey.Inner"/> over <c>GetValueOrDefault()</c>. The runtime's
    /// <c>unmanaged</c> constraint (a <c>struct</c> constraint) excludes <c>Nullable&lt;T&gt;</c> from <c>AddBlittable</c>.
    /// </summary>
    Nullable,
}

/// <summary>The key plan of one parameter: which <c>KeyBuilder</c> call, and over which type.</summary>
/// <param name="Kind">The call.</param>
/// <param name="Type">The overload's parameter type (<see cref="ArgumentKeyKind.Add"/>), the array element type (<see cref="ArgumentKeyKind.AddArray"/>),
/// or the generic argument (the other kinds). Names a primitive by its full name for the first two.</param>
/// <param name="Inner">For <see cref="ArgumentKeyKind.Nullable"/>, the plan of the underlying value.</param>
internal sealed record ArgumentKey(ArgumentKeyKind Kind, TypeReference Type, ArgumentKey? Inner = null);

/// <summary>Chooses and emits the <c>KeyBuilder</c> call per parameter type.</summary>
internal static class ArgumentKeys
{
    // The primitives with Add(X) overloads; those marked true also have Add(X[]).
    private static readonly Dictionary<string, bool> Primitives = new(StringComparer.Ordinal)
    {
        ["System.Boolean"] = true, ["System.Byte"] = true, ["System.SByte"] = true, ["System.Int16"] = true, ["System.UInt16"] = true,
        ["System.Char"] = true, ["System.Int32"] = true, ["System.UInt32"] = true, ["System.Int64"] = true, ["System.UInt64"] = true,
        ["System.IntPtr"] = false, ["System.UIntPtr"] = false, ["System.Single"] = true, ["System.Double"] = true, ["System.Decimal"] = false,
    };

    private static readonly HashSet<string> ByteBuffers = new(StringComparer.Ordinal)
    {
        "System.ReadOnlySpan`1<System.Byte>", "System.Span`1<System.Byte>", "System.ReadOnlyMemory`1<System.Byte>", "System.Memory`1<System.Byte>",
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
                return PlanArray(array, out reason);
            case GenericInstanceType { ElementType.FullName: "System.Nullable`1" } nullable:
                var inner = Plan(nullable.GenericArguments[0], out reason);
                if (inner is { Kind: ArgumentKeyKind.Add or ArgumentKeyKind.Blittable }) return new ArgumentKey(ArgumentKeyKind.Nullable, type, inner);
                reason ??= $"{type.FullName} wraps an unsupported value";
                return null;
            case GenericInstanceType generic when ByteBuffers.Contains(generic.FullName):
                return new ArgumentKey(ArgumentKeyKind.Add, type);
            case GenericInstanceType { ElementType.FullName: "System.ReadOnlySpan`1" } span:
                string? spanWhy = "Nullable";
                if (!IsNullable(span.GenericArguments[0]) && MemoizableTypes.IsUnmanaged(span.GenericArguments[0], 0, out spanWhy)) return new ArgumentKey(ArgumentKeyKind.BlittableSpan, span.GenericArguments[0]);
                reason = $"ReadOnlySpan of {span.GenericArguments[0].FullName}, which cannot be keyed by its bytes ({spanWhy})";
                return null;
            case GenericInstanceType { ElementType.FullName: "System.Span`1" or "System.Memory`1" or "System.ReadOnlyMemory`1" }:
                reason = "only ReadOnlySpan<T> of unmanaged T, and Span/Memory/ReadOnlyMemory of byte, are supported buffer kinds";
                return null;
        }
        if (Primitives.ContainsKey(type.FullName)) return new ArgumentKey(ArgumentKeyKind.Add, type);
        if (type.MetadataType == MetadataType.String) return new ArgumentKey(ArgumentKeyKind.Add, type);
        var definition = MemoizableTypes.Resolve(type, out reason);
        if (definition is null) return null;
        if (definition.IsEnum)
        {
            var underlying = EnumUnderlying(definition);
            if (underlying is not null && Primitives.ContainsKey(underlying.FullName)) return new ArgumentKey(ArgumentKeyKind.Add, underlying);
            reason = $"enum {type.FullName} has an unsupported underlying type";
            return null;
        }
        if (definition.IsValueType)
        {
            if (MemoizableTypes.IsUnmanaged(type, 0, out var why)) return new ArgumentKey(ArgumentKeyKind.Blittable, type);
            reason = $"struct {type.FullName} is not unmanaged ({why})";
            return null;
        }
        reason = $"{type.FullName} is a reference type other than string and arrays of unmanaged elements; its contents could change without the key changing";
        return null;
    }

    private static ArgumentKey? PlanArray(ArrayType array, out string? reason)
    {
        reason = null;
        if (!array.IsVector)
        {
            reason = $"{array.FullName} is a multi-dimensional array";
            return null;
        }
        var element = GenericSubstitution.StripModifiers(array.ElementType);
        if (Primitives.TryGetValue(element.FullName, out var hasArrayAdd))
            return hasArrayAdd ? new ArgumentKey(ArgumentKeyKind.AddArray, element) : new ArgumentKey(ArgumentKeyKind.BlittableArray, element);
        if (element is not ArrayType and not GenericParameter and not PointerType and not ByReferenceType && element.MetadataType != MetadataType.String)
        {
            var definition = MemoizableTypes.Resolve(element, out reason);
            if (definition is null) return null;
            if (definition.IsEnum && EnumUnderlying(definition) is { } underlying && Primitives.TryGetValue(underlying.FullName, out var enumHasArrayAdd) && enumHasArrayAdd)
                return new ArgumentKey(ArgumentKeyKind.AddArray, underlying); // the CLR treats E[] and U[] as the same array kind
            string? why = "reference type";
            if (definition.IsValueType && !IsNullable(element) && MemoizableTypes.IsUnmanaged(element, 0, out why))
                return new ArgumentKey(ArgumentKeyKind.BlittableArray, element);
            reason = $"{array.FullName} holds elements that are not unmanaged ({why})";
            return null;
        }
        reason = $"{array.FullName} is an array of references, whose elements could change without the key changing";
        return null;
    }

    private static bool IsNullable(TypeReference type) => type is GenericInstanceType { ElementType.FullName: "System.Nullable`1" };

    private static TypeReference? EnumUnderlying(TypeDefinition definition) =>
        definition.Fields.FirstOrDefault(f => !f.IsStatic)?.FieldType;

    /// <summary>Emits the key call for parameter <paramref name="parameter"/> (the key local is local 0).</summary>
    public static void Emit(ILProcessor il, KcrAbi abi, VariableDefinition keyLocal, ParameterDefinition parameter, ArgumentKey key)
    {
        var module = il.Body.Method.Module;
        if (key.Kind == ArgumentKeyKind.Nullable)
        {
            EmitNullable(il, abi, keyLocal, parameter, key, module);
            return;
        }
        il.Emit(OpCodes.Ldloca, keyLocal);
        il.Emit(key.Kind == ArgumentKeyKind.Blittable ? OpCodes.Ldarga : OpCodes.Ldarg, parameter);
        il.Emit(OpCodes.Call, Call(abi, key, module));
    }

    // key.Add(arg.HasValue); then the value (default when absent) by the inner plan.
    private static void EmitNullable(ILProcessor il, KcrAbi abi, VariableDefinition keyLocal, ParameterDefinition parameter, ArgumentKey key, ModuleDefinition module)
    {
        var nullable = (GenericInstanceType)key.Type;
        // GetValueOrDefault returns !0 of the open Nullable`1; a fresh open reference carries that parameter.
        var open = new TypeReference("System", "Nullable`1", module, nullable.ElementType.Scope, valueType: true);
        open.GenericParameters.Add(new GenericParameter("T", open));
        var openT = open.GenericParameters[0];
        var hasValue = new MethodReference("get_HasValue", module.TypeSystem.Boolean, nullable) { HasThis = true };
        var valueOrDefault = new MethodReference("GetValueOrDefault", openT, nullable) { HasThis = true };
        il.Emit(OpCodes.Ldloca, keyLocal);
        il.Emit(OpCodes.Ldarga, parameter);
        il.Emit(OpCodes.Call, hasValue);
        il.Emit(OpCodes.Call, abi.Add(module.TypeSystem.Boolean));
        var inner = key.Inner!;
        if (inner.Kind == ArgumentKeyKind.Blittable)
        {
            var temp = new VariableDefinition(nullable.GenericArguments[0]);
            il.Body.Variables.Add(temp);
            il.Emit(OpCodes.Ldarga, parameter);
            il.Emit(OpCodes.Call, valueOrDefault);
            il.Emit(OpCodes.Stloc, temp);
            il.Emit(OpCodes.Ldloca, keyLocal);
            il.Emit(OpCodes.Ldloca, temp);
        }
        else
        {
            il.Emit(OpCodes.Ldloca, keyLocal);
            il.Emit(OpCodes.Ldarga, parameter);
            il.Emit(OpCodes.Call, valueOrDefault);
        }
        il.Emit(OpCodes.Call, Call(abi, inner, module));
    }

    private static MethodReference Call(KcrAbi abi, ArgumentKey key, ModuleDefinition module) =>
        key.Kind switch
        {
            ArgumentKeyKind.Add => abi.Add(InModule(module, abi, key.Type)),
            ArgumentKeyKind.AddArray => abi.Add(new ArrayType(InModule(module, abi, key.Type))),
            ArgumentKeyKind.Blittable => abi.AddBlittable(key.Type),
            ArgumentKeyKind.BlittableArray => abi.AddBlittableArray(key.Type),
            ArgumentKeyKind.BlittableSpan => abi.AddBlittableSpan(key.Type),
            _ => throw new InvalidOperationException(key.Kind.ToString()),
        };

    // Overload parameter types named from the module's own core library (an enum's underlying type may come from
    // another assembly's signature); buffer types and strings are used as the parameter declares them.
    private static TypeReference InModule(ModuleDefinition module, KcrAbi abi, TypeReference type)
    {
        var ts = module.TypeSystem;
        return type.FullName switch
        {
            "System.Boolean" => ts.Boolean, "System.Byte" => ts.Byte, "System.SByte" => ts.SByte, "System.Int16" => ts.Int16,
            "System.UInt16" => ts.UInt16, "System.Char" => ts.Char, "System.Int32" => ts.Int32, "System.UInt32" => ts.UInt32,
            "System.Int64" => ts.Int64, "System.UInt64" => ts.UInt64, "System.IntPtr" => ts.IntPtr, "System.UIntPtr" => ts.UIntPtr,
            "System.Single" => ts.Single, "System.Double" => ts.Double, "System.String" => ts.String,
            "System.Decimal" => abi.Core("System", "Decimal", valueType: true),
            _ => module.ImportReference(type),
        };
    }
}
