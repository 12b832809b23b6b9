using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Escapes;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Purity;

internal sealed partial class BodyInterpreter
{
    private void Call(Instruction instruction, MethodReference callee, TypeReference? constrainedType)
    {
        int at = instruction.Offset;
        bool newObj = instruction.OpCode.Code == Code.Newobj;
        bool virtualCall = instruction.OpCode.Code == Code.Callvirt;
        // Arguments in order: the receiver (or the new object) first, then the parameters.
        var arguments = new AbstractValue[callee.Parameters.Count + (callee.HasThis ? 1 : 0)];
        for (int i = arguments.Length - 1; i >= (callee.HasThis ? 1 : 0); i--) arguments[i] = Pop();
        if (callee.HasThis) arguments[0] = newObj ? new AbstractValue(Provenance.FreshOnly, callee.DeclaringType) : Pop();

        var resultType = newObj ? callee.DeclaringType : GenericSubstitution.StripModifiers(callee.ReturnType);
        bool pushes = newObj || resultType.MetadataType != MetadataType.Void;
        if (virtualCall && callee.HasThis && arguments[0].Type is { } receiverType) callee = Devirtualize(callee, receiverType);
        var definition = ModuleDefinitionOf(ref callee, constrainedType, virtualCall, out var unknownTarget);
        Provenance result;
        if (unknownTarget is not null)
        {
            Impure(at, unknownTarget);
            foreach (var argument in arguments) Leak(argument.Points);
            result = Provenance.UnknownOnly;
        }
        else if (definition is not null) result = CallModule(at, definition, arguments);
        else if (IsDelegate(callee.DeclaringType))
        {
            if (!newObj) Impure(at, $"invokes a delegate ({callee.DeclaringType.Name}.{callee.Name}) whose target is not followed");
            foreach (var argument in arguments) freshContents = freshContents.Join(argument.Points);
            result = Provenance.UnknownOnly;
        }
        else result = CallFramework(at, callee, arguments, newObj, resultType);
        if (newObj) result = Provenance.FreshOnly;
        else if (PointsNowhere(resultType)) result = Provenance.None;
        if (pushes) Push(new AbstractValue(result, resultType));
    }

    private Provenance CallModule(int at, MethodDefinition callee, AbstractValue[] arguments)
    {
        var summary = callees(callee);
        if (summary.Impurity is { } why) Impure(at, $"calls {Name(callee)}, which {why}");
        loops |= summary.Loops;
        readsMutable = readsMutable.Union(summary.ReadsMutableStatics);
        leaks = leaks.Union(summary.LeaksStatics);
        readsContents = readsContents.Union(summary.ReadsStaticContents);
        var everything = Provenance.FreshOnly.Join(Map(summary.FreshContents, arguments));
        foreach (var argument in arguments) everything = everything.Join(argument.Points);
        for (int i = 0; i < arguments.Length && i < 64; i++)
            if ((summary.WritesParameters & (1UL << i)) != 0)
                Store(at, arguments[i], new AbstractValue(everything, null), $"what {Name(callee)} writes through argument {i}");
        var result = Map(summary.Returns, arguments);
        if (summary.Returns.Fresh) freshContents = freshContents.Join(Map(summary.FreshContents, arguments));
        return result;
    }

    private Provenance CallFramework(int at, MethodReference callee, AbstractValue[] arguments, bool newObj, TypeReference resultType)
    {
        var verdict = FrameworkPurity.Judge(model, callee);
        if (verdict.Impurity is { } why)
        {
            Impure(at, why);
            foreach (var argument in arguments) Leak(argument.Points);
            return Provenance.UnknownOnly;
        }
        int offset = callee.HasThis ? 1 : 0;
        var everything = Provenance.FreshOnly;
        foreach (var argument in arguments) everything = everything.Join(argument.Points).Join(Contents(argument.Points));
        var written = new HashSet<int>();
        // Writable spans, byrefs and pointers are written whatever the rule says (as the guard checks them).
        for (int i = 0; i < callee.Parameters.Count; i++)
            if (IsWritableHandle(callee.Parameters[i], verdict.Rule is { ReadsPointers: true })) written.Add(i + offset);
        if (verdict.Rule is { } rule)
        {
            if (rule.Class == GuardRuntime.Effects.EffectClass.WritesReceiver && callee.HasThis && !newObj) written.Add(0);
            // Forming a writable view (AsSpan, new Span<T>(array)) is a write for the guard, which checks where a
            // span is formed; here the view carries its array's provenance, and what is written through it is judged.
            if (rule.Class == GuardRuntime.Effects.EffectClass.WritesArguments && !FormsView(callee, newObj))
                foreach (var extent in rule.Extents)
                    written.Add(extent.Dest == GuardRuntime.Effects.EffectExtent.This ? 0
                        : extent.Dest == GuardRuntime.Effects.EffectExtent.FirstPointer ? FirstPointer(callee) + offset
                        : extent.Dest + offset);
        }
        foreach (var index in written.Where(i => i >= 0 && i < arguments.Length && !(newObj && i == 0)))
            Store(at, arguments[index], new AbstractValue(everything, null), $"the destination of {Name(callee)}");
        if (newObj)
        {
            foreach (var argument in arguments.Skip(1)) freshContents = freshContents.Join(argument.Points);
            return Provenance.FreshOnly;
        }
        // A reviewed member that returns an array returns a new one; anything else may be a view of its arguments.
        return resultType is ArrayType || callee.Name == "Clone" ? Provenance.FreshOnly : everything;
    }

    private static bool IsWritableHandle(ParameterDefinition parameter, bool readsPointers)
    {
        var type = GenericSubstitution.StripModifiers(parameter.ParameterType);
        if (type is ByReferenceType) return !parameter.IsIn && !parameter.CustomAttributes.Any(a => a.AttributeType.Name == "IsReadOnlyAttribute")
                                            && !(parameter.ParameterType is RequiredModifierType m && m.ModifierType.Name == "InAttribute");
        if (type is PointerType) return !readsPointers;
        var element = type.GetElementType().FullName;
        return element is "System.Span`1" or "System.Memory`1";
    }

    // A virtual call on a receiver whose static type is sealed (or a value type) runs that type's override.
    private static MethodReference Devirtualize(MethodReference callee, TypeReference receiverType)
    {
        var receiver = Resolve(receiverType);
        if (receiver is null || !(receiver.IsSealed || receiver.IsValueType) || receiver.IsInterface) return callee;
        var signature = EffectSignature.Of(callee);
        for (var type = receiver; type is not null; type = type.BaseType is { } b ? Resolve(b) : null)
        {
            var match = type.Methods.FirstOrDefault(m => m.IsVirtual && !m.IsStatic && m.Name == callee.Name
                && m.Parameters.Count == callee.Parameters.Count && EffectSignature.Of(m) == signature);
            if (match is not null) return match.DeclaringType.HasGenericParameters ? callee : match;
            if (type.FullName == callee.DeclaringType.GetElementType().FullName) break;
        }
        return callee;
    }

    private static bool FormsView(MethodReference callee, bool newObj)
    {
        var produced = newObj ? callee.DeclaringType : GenericSubstitution.StripModifiers(callee.ReturnType);
        return produced.GetElementType().FullName is "System.Span`1" or "System.Memory`1";
    }

    private static int FirstPointer(MethodReference callee)
    {
        for (int i = 0; i < callee.Parameters.Count; i++)
            if (GenericSubstitution.StripModifiers(callee.Parameters[i].ParameterType) is PointerType or ByReferenceType) return i;
        return -1;
    }

    // The callee's provenance seen from the call site: its parameters become the arguments passed.
    private static Provenance Map(Provenance callee, AbstractValue[] arguments)
    {
        var mapped = callee with { Parameters = 0 };
        for (int i = 0; i < 64; i++)
            if ((callee.Parameters & (1UL << i)) != 0)
                mapped = mapped.Join(i < arguments.Length ? arguments[i].Points : Provenance.UnknownOnly);
        return mapped;
    }

    /// <summary>
    /// The module method a call runs, or null for a framework member (<paramref name="callee"/> is then the member
    /// that runs, which a constrained call may redirect); <paramref name="unknown"/> says why the target cannot be
    /// known (a virtual or interface call that some type could override).
    /// </summary>
    private MethodDefinition? ModuleDefinitionOf(ref MethodReference callee, TypeReference? constrainedType, bool virtualCall, out string? unknown)
    {
        unknown = null;
        MethodDefinition? resolved;
        try { resolved = callee.Resolve(); }
        catch (AssemblyResolutionException) { resolved = null; }
        if (resolved is null)
        {
            unknown = $"calls {Name(callee)}, which cannot be resolved";
            return null;
        }
        // constrained. T callvirt on a value type runs T's own implementation, or the base member on a boxed copy.
        if (virtualCall && constrainedType is not null && Resolve(constrainedType) is { IsValueType: true } valueType)
        {
            var implementation = valueType.Methods.FirstOrDefault(m => !m.IsStatic && m.HasBody
                && (m.Name == resolved.Name || m.Overrides.Any(o => o.Name == resolved.Name))
                && m.Parameters.Count == resolved.Parameters.Count);
            if (implementation is null) return resolved.Module == method.Module ? resolved : null;
            if (implementation.Module == method.Module) return implementation;
            callee = implementation;
            return null;
        }
        bool overridable = virtualCall && resolved.IsVirtual && !resolved.IsFinal && !resolved.DeclaringType.IsSealed;
        if (overridable && !IsFrameworkLeaf(resolved))
        {
            // Object.GetHashCode and friends: the named reason says more than "an override is not known".
            if (resolved.Module != method.Module
                && NondeterminismTable.Reason(EffectSignature.TypeName(resolved.DeclaringType), resolved.Name, EffectSignature.Of(resolved)) is { } why)
            {
                unknown = $"calls {EffectSignature.TypeName(resolved.DeclaringType)}.{resolved.Name}, which {why}";
                return null;
            }
            unknown = resolved.DeclaringType.IsInterface
                ? $"calls interface member {Name(callee)}, whose implementation is not known"
                : $"calls virtual {Name(callee)}, whose override is not known";
            return null;
        }
        return resolved.Module == method.Module ? resolved : null;
    }

    // Virtual framework members called on framework types no module can derive from in a way that changes them.
    // SearchValues<T> has only internal constructors: every instance is one of the framework's own implementations.
    private static bool IsFrameworkLeaf(MethodDefinition resolved) =>
        resolved.DeclaringType.FullName is "System.Text.Encoding" or "System.Buffers.SearchValues`1";

    private static TypeDefinition? Resolve(TypeReference type)
    {
        try { return type.Resolve(); }
        catch (AssemblyResolutionException) { return null; }
    }

    private static bool IsDelegate(TypeReference type) =>
        Resolve(type)?.BaseType?.FullName is "System.MulticastDelegate" or "System.Delegate";
}
