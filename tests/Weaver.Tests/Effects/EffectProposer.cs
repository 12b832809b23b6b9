using GuardRuntime.Effects;
using Mono.Cecil;
using Weaver.Engine.Escapes;

namespace Weaver.Tests.Effects;

/// <summary>
/// The generator: proposes an effect class for a framework member from its signature alone, for a person to review
/// into <c>framework-effects.txt</c>. Reflection, emit, expressions, dynamic and serializer namespaces → Reflective;
/// a writable Span/array/pointer parameter → WritesArguments (with the extent the length parameters suggest);
/// delegate parameters or virtual members → CallsBack; no by-ref, pointer, span, array or mutable-object parameter and
/// an immutable receiver → ReadOnly. Run <c>dotnet test --filter Proposals_are_written</c> to refresh the review list.
/// </summary>
internal static class EffectProposer
{
    private static readonly string[] ReflectiveNamespaces =
    [
        "System.Reflection", "System.Linq.Expressions", "System.Dynamic", "Microsoft.CSharp.RuntimeBinder",
        "System.Runtime.Serialization", "System.Text.Json", "System.Xml.Serialization", "System.Runtime.Loader",
    ];

    public sealed record Proposal(EffectClass Class, string Why, string? Extent);

    public static Proposal Propose(MethodDefinition method)
    {
        var type = EffectSignature.TypeName(method.DeclaringType);
        if (ReflectiveNamespaces.Any(n => type.StartsWith(n + ".", StringComparison.Ordinal)))
            return new(EffectClass.Reflective, "reflection/code generation/serialization namespace", null);
        var shapes = method.Parameters.Select(p => EffectPlanner.Shape(p.ParameterType, type)).ToList();
        int dest = shapes.FindIndex(s => s is EffectPlanner.ParameterShape.Span or EffectPlanner.ParameterShape.Array or EffectPlanner.ParameterShape.Pointer);
        if (dest >= 0)
        {
            // A length parameter after the destination names the extent; otherwise the destination's own extent.
            int count = Enumerable.Range(dest + 1, method.Parameters.Count - dest - 1)
                .FirstOrDefault(i => method.Parameters[i].ParameterType.MetadataType is MetadataType.Int32 or MetadataType.Int64 or MetadataType.UIntPtr, -1);
            var extent = shapes[dest] switch
            {
                EffectPlanner.ParameterShape.Span => $"span:{dest}",
                EffectPlanner.ParameterShape.Array => count >= 0 ? $"array:{dest}@_#{count}" : $"array:{dest}",
                _ => count >= 0 ? $"ptr:{dest}#{count}*1" : $"ptr:{dest}:T",
            };
            return new(EffectClass.WritesArguments, $"parameter {method.Parameters[dest].Name} may be a destination", extent);
        }
        if (method.Parameters.Any(p => p.ParameterType.Resolve() is { BaseType.FullName: "System.MulticastDelegate" }) || method.IsVirtual)
            return new(EffectClass.CallsBack, "takes a delegate or is virtual", null);
        bool mutableArgs = shapes.Any(s => s is EffectPlanner.ParameterShape.Object or EffectPlanner.ParameterShape.RefStruct);
        bool immutableReceiver = method.IsStatic || method.IsConstructor || method.DeclaringType.IsValueType
                                 || method.DeclaringType.FullName == "System.String";
        return !mutableArgs && immutableReceiver
            ? new(EffectClass.ReadOnly, "values in, immutable receiver", null)
            : new(EffectClass.WritesReceiver, "mutable receiver or object arguments", null);
    }
}
