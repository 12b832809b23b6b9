using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Escapes;

/// <summary>
/// The inline-array helpers the C# compiler emits into <c>&lt;PrivateImplementationDetails&gt;</c> for collection
/// expressions, <c>params</c> spans and <c>[InlineArray]</c> element access (<c>InlineArrayAsSpan</c>,
/// <c>InlineArrayAsReadOnlySpan</c>, <c>InlineArrayElementRef</c>, <c>InlineArrayFirstElementRef</c> and their read-only
/// forms), recognised by what they do rather than refused for the API they call. A helper is recognised only when its
/// signature and body are, instruction for instruction, the compiler's (a module that writes its own
/// <c>&lt;PrivateImplementationDetails&gt;</c> with another body gets no exemption: its <c>Unsafe.As</c> is judged as any
/// code's). Its body is then replaced by the ABI's <c>InlineArrayShims</c> member of the same name
/// (<see cref="Pipeline.CompilerHelperStep"/>), which makes the same view only of an inline array of the element and
/// only within its length, at run time, whoever calls the helper with whatever arguments.
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

    private static bool IsHelperType(TypeReference type) =>
        type.Name == "<PrivateImplementationDetails>" && type.Namespace.Length == 0 && type.DeclaringType is null;
}
