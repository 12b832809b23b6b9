using GuardRuntime.Effects;
using Mono.Cecil;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Escapes;

/// <summary>
/// Decides what a call to a framework member needs, deny by default: the model's class when a rule names the member,
/// else a conservative check of everything it receives (receiver included) or a refusal when that cannot be checked.
/// </summary>
/// <remarks>
/// Whatever the class, writable <c>ref</c>/<c>out</c>, <c>Span&lt;T&gt;</c> and <c>Memory&lt;T&gt;</c> arguments are
/// checked. An exact-signature rule is a reviewed row and is taken as written. A pattern rule (a type, a namespace,
/// a name prefix) vouches for the receiver and for object arguments, but not for arrays (checked as whole objects)
/// or pointers (refused unless the rule says <c>reads-pointers</c>), so that a new overload under a pattern cannot add
/// an unchecked writer.
/// </remarks>
internal static class EffectPlanner
{
    // Types whose members convert between pointers, references and objects: a member no rule names is refused rather
    // than checked, because its effect is not a write of what it receives but a new way to reach memory.
    private static readonly string[] MustClassify =
    [
        "System.Runtime.CompilerServices.Unsafe", "System.Runtime.CompilerServices.RuntimeHelpers",
        "System.Runtime.InteropServices.", "System.Runtime.Intrinsics.", "System.Buffer!", "System.Reflection.",
        "System.Runtime.CompilerServices.CallSite", "System.Threading.Interlocked", "System.Threading.Volatile",
    ];

    // Structs that carry references but are not write handles (they are passed as values): the verifier's list, so
    // that the weaver checks exactly the calls the host's verifier accepts.
    private static HashSet<string> ValueStructs => GuardRuntime.Verification.CallEffects.ValueStructs;

    /// <summary>
    /// Plans a call to <paramref name="callee"/>; <paramref name="parameterType"/> gives each parameter's type at the call
    /// site (generic arguments substituted) and <paramref name="isNewObj"/> says the call constructs its receiver.
    /// </summary>
    public static CallPlan Plan(EffectModel model, MethodReference callee, Func<int, TypeReference> parameterType, bool isNewObj)
    {
        var typeName = TypeNames.Reflection(callee.DeclaringType);
        var rule = model.Classify(typeName, callee.Name, EffectSignature.Of(callee));
        var api = $"{typeName}::{callee.Name}({EffectSignature.Of(callee)})";
        // A delegate's own members (.ctor, Invoke) only bind or call: the callee is woven code, or a host method whose
        // function pointer was call-checked at ldftn. Its target object is not written.
        if (rule is null && IsDelegate(TryResolve(callee.DeclaringType)))
            rule = new EffectRule(EffectClass.CallsBack, typeName, callee.Name, [], "a delegate's own member", 0);
        if (rule is { Class: EffectClass.Reflective or EffectClass.Refused }
            || rule is { Class: EffectClass.FreesOrReallocates, Extents.Count: 0 })
            return Refused(rule, $"{rule.Reason} [effect model: {rule.Class}, line {rule.Line}]");

        var byrefs = new List<int>();
        var spans = new List<int>();
        var objects = new List<int>();
        var writes = new List<EffectExtent>();
        bool receiverStruct = false;
        int count = callee.Parameters.Count;
        if (rule is not null)
            foreach (var extent in rule.Extents)
            {
                var resolved = extent.Dest == EffectExtent.FirstPointer ? extent with { Dest = FirstPointer(callee, parameterType) } : extent;
                if (resolved.Dest != EffectExtent.FirstPointer) writes.Add(resolved);
            }
        bool Named(int i) => writes.Any(w => w.Dest == i);

        for (int i = 0; i < count; i++)
        {
            var type = parameterType(i);
            var shape = Shape(type, typeName);
            if (shape == ParameterShape.Byref && !IsReadOnly(callee.Parameters[i])) byrefs.Add(i);
            else if (shape == ParameterShape.Span && !Named(i)) spans.Add(i);
            if (rule is { IsExact: true } || Named(i)) continue;
            switch (shape)
            {
                case ParameterShape.Pointer when rule is not { ReadsPointers: true }:
                    return Refused(rule, $"passes a pointer ({type.FullName}) to {api}, and the effect model does not say how far "
                        + (rule is null ? "this unclassified member writes through it" : $"the members of rule line {rule.Line} write through it"));
                case ParameterShape.Array:
                    objects.Add(i);
                    break;
                case ParameterShape.Object when rule is null:
                    objects.Add(i);
                    break;
                case ParameterShape.RefStruct when rule is null:
                    return Refused(null, $"passes a {type.FullName} (a struct holding references) to the unclassified {api}, "
                        + "so the weaver cannot tell what it writes through it");
            }
        }

        bool instance = callee.HasThis && !isNewObj;
        if (instance && (rule is null || rule.Class == EffectClass.WritesReceiver) && !writes.Any(w => w.Dest == EffectExtent.This))
        {
            if (rule is null && MustClassify.Any(p => IsUnder(typeName, p)))
                return Refused(null, Unclassified(api));
            var receiver = callee.DeclaringType;
            if (IsValueType(receiver)) receiverStruct = true;
            else if (receiver.MetadataType != MetadataType.String) objects.Add(EffectExtent.This);
        }
        else if (rule is null && MustClassify.Any(p => IsUnder(typeName, p)))
            return Refused(null, Unclassified(api));
        return new CallPlan(rule, null, writes, byrefs, spans, objects, receiverStruct);
    }

    // "Ns." covers a namespace, "Type!" one type exactly, anything else a type and its nested types.
    private static bool IsUnder(string typeName, string pattern) =>
        pattern.EndsWith('!') ? typeName == pattern[..^1] : typeName.StartsWith(pattern, StringComparison.Ordinal);

    private static string Unclassified(string api) =>
        $"calls {api}, a member of a low-level type that the effect model does not classify; add a reviewed row to "
        + "src/GuardRuntime/Host/Effects/framework-effects.txt saying what it writes";

    private static CallPlan Refused(EffectRule? rule, string why) => new(rule, why, [], [], [], [], false);

    private static int FirstPointer(MethodReference callee, Func<int, TypeReference> parameterType)
    {
        for (int i = 0; i < callee.Parameters.Count; i++)
            if (parameterType(i) is PointerType or ByReferenceType) return i;
        return EffectExtent.FirstPointer;
    }

    /// <summary>What a parameter's type lets the callee write through.</summary>
    public enum ParameterShape
    {
        /// <summary>A value with nothing to write through (primitives, enums, plain structs, strings, delegates, T).</summary>
        Data,
        /// <summary>A managed reference to a variable (<c>ref</c>, <c>out</c>, <c>in</c>).</summary>
        Byref,
        /// <summary>A raw pointer (or, in interop types, an address-sized integer).</summary>
        Pointer,
        /// <summary>A writable span or memory.</summary>
        Span,
        /// <summary>An array.</summary>
        Array,
        /// <summary>An object of a class or interface type that the callee might write.</summary>
        Object,
        /// <summary>A struct holding references that is not a known value type.</summary>
        RefStruct,
    }

    /// <summary>The shape of <paramref name="type"/> as a parameter of a member of <paramref name="declaringType"/>.</summary>
    public static ParameterShape Shape(TypeReference type, string declaringType)
    {
        type = GenericSubstitution.StripModifiers(type);
        switch (type)
        {
            case ByReferenceType: return ParameterShape.Byref;
            case PointerType or FunctionPointerType: return ParameterShape.Pointer;
            case ArrayType: return ParameterShape.Array;
            case GenericParameter: return ParameterShape.Data; // a value of unknown type: written only through callbacks
        }
        var name = type.GetElementType().FullName;
        if (name is "System.Span`1" or "System.Memory`1") return ParameterShape.Span;
        if (name is "System.IntPtr"
            && (declaringType.StartsWith("System.Runtime.InteropServices.", StringComparison.Ordinal)
                || declaringType.StartsWith("System.Runtime.CompilerServices.", StringComparison.Ordinal)))
            return ParameterShape.Pointer;
        if (type.MetadataType is MetadataType.String or MetadataType.TypedByReference) return ParameterShape.Data;
        var definition = TryResolve(type);
        if (definition is null) return type.IsValueType ? ParameterShape.Data : ParameterShape.Object;
        if (definition.IsValueType || definition.IsEnum)
            return ValueStructs.Contains(name) || !TypeShapes.ContainsReferences(type) ? ParameterShape.Data : ParameterShape.RefStruct;
        if (IsDelegate(definition)) return ParameterShape.Data; // invoking it is a callback, checked where it was bound
        return ParameterShape.Object;
    }

    private static bool IsDelegate(TypeDefinition? type) =>
        type?.BaseType?.FullName is "System.MulticastDelegate" or "System.Delegate";

    private static bool IsValueType(TypeReference type) => type.IsValueType || TryResolve(type)?.IsValueType == true;

    private static TypeDefinition? TryResolve(TypeReference type)
    {
        try { return type.Resolve(); }
        catch (AssemblyResolutionException) { return null; }
    }

    // 'in' and 'ref readonly' parameters are read, never written, by the callee.
    /// <summary>Whether a byref parameter is <c>in</c> or <c>ref readonly</c>.</summary>
    public static bool IsReadOnly(ParameterDefinition parameter) =>
        parameter.IsIn || parameter.CustomAttributes.Any(a => a.AttributeType.Name is "IsReadOnlyAttribute" or "RequiresLocationAttribute")
        || parameter.ParameterType is ByReferenceType { ElementType: RequiredModifierType { ModifierType.Name: "InAttribute" } }
        || parameter.ParameterType is RequiredModifierType { ModifierType.Name: "InAttribute" };
}
