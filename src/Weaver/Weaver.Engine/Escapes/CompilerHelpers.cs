using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Escapes;

/// <summary>
/// The inline-array helpers the C# compiler emits into <c>&lt;PrivateImplementationDetails&gt;</c> for collection
/// expressions and <c>[InlineArray]</c> element access (<c>InlineArrayAsSpan</c>, <c>InlineArrayAsReadOnlySpan</c>,
/// <c>InlineArrayElementRef</c>, <c>InlineArrayFirstElementRef</c> and their read-only forms), recognised by what they
/// do rather than refused for the API they call: their <c>Unsafe.As&lt;TBuffer, TElement&gt;</c> is an exact view of an
/// inline array of <c>TElement</c> when the buffer is one, and their span or element stays inside it when the length
/// or index is within it. A helper is recognised only when its body is, instruction for instruction, the compiler's (a
/// module that writes its own <c>&lt;PrivateImplementationDetails&gt;</c> gets no exemption); each call of one whose
/// element holds references must pass an <c>[InlineArray(N)]</c> struct whose one field is that element, and a constant
/// length (at most N) or index (below N). Everything else about them is checked as any code is.
/// </summary>
internal static class CompilerHelpers
{
    private const string Unsafe = "System.Runtime.CompilerServices.Unsafe";
    private const string MemoryMarshal = "System.Runtime.InteropServices.MemoryMarshal";

    private enum Bound { Length, Index, First }

    // The helper bodies as the compiler writes them: (opcode, callee type, callee name, callee generic arguments by position
    // of the helper's own generic parameters), and what the int parameter means.
    private static readonly Dictionary<string, (Bound Bound, (Code Op, string? Type, string? Name, int[]? Args)[] Body)> Shapes = new()
    {
        ["InlineArrayAsReadOnlySpan"] = (Bound.Length,
            [(Code.Ldarg_0, null, null, null), (Code.Call, Unsafe, "AsRef", [0]), (Code.Call, Unsafe, "As", [0, 1]),
             (Code.Ldarg_1, null, null, null), (Code.Call, MemoryMarshal, "CreateReadOnlySpan", [1]), (Code.Ret, null, null, null)]),
        ["InlineArrayAsSpan"] = (Bound.Length,
            [(Code.Ldarg_0, null, null, null), (Code.Call, Unsafe, "As", [0, 1]), (Code.Ldarg_1, null, null, null),
             (Code.Call, MemoryMarshal, "CreateSpan", [1]), (Code.Ret, null, null, null)]),
        ["InlineArrayElementRef"] = (Bound.Index,
            [(Code.Ldarg_0, null, null, null), (Code.Call, Unsafe, "As", [0, 1]), (Code.Ldarg_1, null, null, null),
             (Code.Call, Unsafe, "Add", [1]), (Code.Ret, null, null, null)]),
        ["InlineArrayElementRefReadOnly"] = (Bound.Index,
            [(Code.Ldarg_0, null, null, null), (Code.Call, Unsafe, "AsRef", [0]), (Code.Call, Unsafe, "As", [0, 1]),
             (Code.Ldarg_1, null, null, null), (Code.Call, Unsafe, "Add", [1]), (Code.Ret, null, null, null)]),
        ["InlineArrayFirstElementRef"] = (Bound.First,
            [(Code.Ldarg_0, null, null, null), (Code.Call, Unsafe, "As", [0, 1]), (Code.Ret, null, null, null)]),
        ["InlineArrayFirstElementRefReadOnly"] = (Bound.First,
            [(Code.Ldarg_0, null, null, null), (Code.Call, Unsafe, "AsRef", [0]), (Code.Call, Unsafe, "As", [0, 1]), (Code.Ret, null, null, null)]),
    };

    /// <summary>The module's recognised helpers, judged before their bodies are rewritten (checks of their byref arguments).</summary>
    public static HashSet<MethodDefinition> Recognise(ModuleDefinition module) =>
        [.. module.GetTypes().Where(t => IsHelperType(t)).SelectMany(t => t.Methods).Where(IsInlineArrayHelper)];

    /// <summary>Whether <paramref name="method"/> is one of the compiler's inline-array helpers, body and all.</summary>
    public static bool IsInlineArrayHelper(MethodDefinition method)
    {
        if (!Shapes.TryGetValue(method.Name, out var shape) || !IsHelperType(method.DeclaringType) || !method.IsStatic
            || method.GenericParameters.Count != 2 || !method.HasBody || method.Body.HasExceptionHandlers
            || method.Parameters.Count != (shape.Bound == Bound.First ? 1 : 2)
            || method.Parameters[0].ParameterType is not ByReferenceType { ElementType: GenericParameter { Position: 0 } }
            || shape.Bound != Bound.First && method.Parameters[1].ParameterType.MetadataType != MetadataType.Int32)
            return false;
        var body = method.Body.Instructions.Where(i => i.OpCode.Code != Code.Nop).ToList();
        if (body.Count != shape.Body.Length) return false;
        for (int i = 0; i < body.Count; i++)
        {
            var (op, type, name, args) = shape.Body[i];
            var actual = body[i].OpCode.Code switch { Code.Ldarg when body[i].Operand is ParameterDefinition { Index: 0 } => Code.Ldarg_0,
                Code.Ldarg when body[i].Operand is ParameterDefinition { Index: 1 } => Code.Ldarg_1, var c => c };
            if (actual != op) return false;
            if (type is null) continue;
            if (body[i].Operand is not GenericInstanceMethod callee || callee.Name != name || TypeNames.Reflection(callee.DeclaringType) != type
                || !Pipeline.Framework.IsFramework(Pipeline.Framework.ScopeOf(callee.DeclaringType))
                || callee.GenericArguments.Count != args!.Length)
                return false;
            for (int a = 0; a < args.Length; a++)
                if (callee.GenericArguments[a] is not GenericParameter { Type: GenericParameterType.Method } g || g.Position != args[a]
                    || g.Owner != method)
                    return false;
        }
        return true;
    }

    /// <summary>
    /// Why a call (or a function pointer) to a recognised helper is refused, or null: its element holds references and the
    /// buffer is not an inline array of it, or its length or index is not a constant within the array.
    /// </summary>
    /// <param name="call">The call or function pointer.</param>
    /// <param name="callee">What it names.</param>
    /// <param name="recognised">The helpers recognised before any step rewrote a body (<see cref="Recognise"/>).</param>
    public static string? WhyRefused(Instruction call, MethodReference callee, IReadOnlySet<MethodDefinition> recognised)
    {
        if (!IsHelperType(callee.DeclaringType) || !Shapes.TryGetValue(callee.Name, out var shape)) return null;
        MethodDefinition? definition;
        try { definition = callee.Resolve(); }
        catch (AssemblyResolutionException) { definition = null; }
        if (definition is null || !recognised.Contains(definition)) return null; // judged as any code of the module
        if (callee is not GenericInstanceMethod { GenericArguments: [var buffer, var element] }) return "it names the helper without its type arguments";
        if (call.OpCode.Code is Code.Ldftn or Code.Ldvirtftn)
            return "a delegate to it would take any length or index; the compiler only calls it";
        if (!TypeShapes.ContainsReferences(element)) return null; // a view of plain data: stores through it are checked by address
        var length = InlineLength(buffer, element);
        if (length is null)
            return $"{buffer.FullName} is not an [InlineArray] struct whose one field is a {element.FullName}, so the view would reinterpret it";
        if (shape.Bound == Bound.First) return length >= 1 ? null : "the inline array is empty";
        if (Constant(call.Previous) is not { } value)
            return "its length or index is not a constant, which the compiler always passes";
        bool within = shape.Bound == Bound.Length ? value >= 0 && value <= length : value >= 0 && value < length;
        return within ? null : $"its {(shape.Bound == Bound.Length ? "length" : "index")} {value} is outside the inline array of {length}";
    }

    private static bool IsHelperType(TypeReference type) =>
        type.Name == "<PrivateImplementationDetails>" && type.Namespace.Length == 0 && type.DeclaringType is null;

    // N of [InlineArray(N)] when the struct's one instance field is the element (after the struct's own type arguments).
    private static int? InlineLength(TypeReference buffer, TypeReference element)
    {
        TypeDefinition? definition;
        try { definition = buffer.Resolve(); }
        catch (AssemblyResolutionException) { return null; }
        if (definition is not { IsValueType: true }) return null;
        var attribute = definition.CustomAttributes.FirstOrDefault(a =>
            a.AttributeType.FullName == "System.Runtime.CompilerServices.InlineArrayAttribute" && a.ConstructorArguments.Count == 1);
        if (attribute?.ConstructorArguments[0].Value is not int length) return null;
        var fields = definition.Fields.Where(f => !f.IsStatic).ToList();
        if (fields.Count != 1) return null;
        var type = fields[0].FieldType;
        if (type is GenericParameter { Type: GenericParameterType.Type } p && buffer is GenericInstanceType instance)
            type = instance.GenericArguments[p.Position];
        return type.FullName == element.FullName ? length : null;
    }

    private static int? Constant(Instruction? instruction) => instruction?.OpCode.Code switch
    {
        Code.Ldc_I4_M1 => -1, Code.Ldc_I4_0 => 0, Code.Ldc_I4_1 => 1, Code.Ldc_I4_2 => 2, Code.Ldc_I4_3 => 3, Code.Ldc_I4_4 => 4,
        Code.Ldc_I4_5 => 5, Code.Ldc_I4_6 => 6, Code.Ldc_I4_7 => 7, Code.Ldc_I4_8 => 8,
        Code.Ldc_I4_S => (sbyte)instruction.Operand, Code.Ldc_I4 => (int)instruction.Operand,
        _ => null,
    };
}
