using System.Reflection;
using GuardRuntime.CodeGeneration;

namespace GuardRuntime.Reflection;

/// <summary>
/// What reflection may reach at all, before any policy check, judged as the weaver judges a compiled reference: the
/// runtimes, the weaver's injected state and <c>System.Reflection.Emit</c> never; a non-public member of another
/// assembly only when the module's policy names it in an explicit <c>allow</c> rule (compiled code could not name it);
/// non-public framework members never (the effect model describes the public surface only).
/// </summary>
internal static class ReflectionRules
{
    /// <summary>Why <paramref name="type"/> (the declaring type of what is reached) is out of reach, or null.</summary>
    public static string? Forbidden(Type? type, ModuleGuard module)
    {
        if (type is null) return "a global member has no declaring type the rules can judge";
        if (EmittedMembers.IsWeaverInjected(type))
            return "the weaver's injected state (the module handle, memo tables) is not the module's to use";
        for (var t = type; t is not null; t = t.DeclaringType)
            if (t.IsGenericType && t.GetGenericArguments().Any(a => !a.IsGenericParameter && Forbidden(a, module) is not null))
                return $"{DynamicTargets.TypeName(type)} is instantiated over a type reflection may not reach";
        if (type.Name == "<PrivateImplementationDetails>" && type.DeclaringType is null)
            return "the compiler's <PrivateImplementationDetails> helpers are safe only with the arguments the compiler passes";
        if (EmittedMembers.OriginOf(type.Assembly, module) == Origin.Runtime)
            return "the guard and memoization runtimes are not reachable by reflection";
        if (type.Namespace is { } ns && (ns == "System.Reflection.Emit" || ns.StartsWith("System.Reflection.Emit.", StringComparison.Ordinal)))
            return "members of System.Reflection.Emit build code the guard does not see when reached by reflection; "
                   + "call DynamicMethod and its IL generator directly (they are woven as the module emits)";
        return null;
    }

    /// <summary>
    /// Refuses a non-public member of another assembly unless the module's policy allows <paramref name="target"/> by an
    /// explicit <c>allow</c> rule (a field, type or namespace rule for a field; a call rule for a method or constructor).
    /// </summary>
    public static string? NonPublic(ModuleGuard module, MemberInfo member, Origin origin, GuardTarget target)
    {
        if (origin == Origin.Own || IsPublic(member)) return null;
        var name = target.Name;
        if (origin == Origin.Framework)
            return $"{name} is a non-public member of the framework, whose effects the model does not describe";
        if (AllowedExplicitly(module, target)) return null;
        return $"{name} is a non-public member of {target.Assembly}, which compiled code could not reach; the host allows it "
               + (target.Kind == TargetKind.Call
                   ? $"with an explicit rule 'allow call {name}' in the module's policy"
                   : $"with an explicit 'allow' field, type or namespace rule naming {name} in the module's policy");
    }

    /// <summary>Whether a member, with its accessors and declaring types, is public.</summary>
    public static bool IsPublic(MemberInfo member) => member switch
    {
        PropertyInfo p => (p.GetMethod ?? p.SetMethod) is { } accessor && EmittedMembers.IsPublic(accessor),
        Type t => TypeIsPublic(t),
        _ => EmittedMembers.IsPublic(member),
    };

    private static bool TypeIsPublic(Type type)
    {
        for (var t = type; t is not null; t = t.DeclaringType)
            if (!(t.IsPublic || t.IsNestedPublic)) return false;
        return true;
    }

    /// <summary>Whether the rules in force for the module (default section first) allow <paramref name="target"/> explicitly.</summary>
    public static bool AllowedExplicitly(ModuleGuard module, GuardTarget target)
    {
        var policy = GuardPolicies.Current;
        var rules = new List<PolicyRule>(policy.Default.Rules);
        if (module.BoundName is { } bound && policy.SectionFor(bound) is { } section) rules.AddRange(section.Section.Rules);
        var verdict = target.Kind == TargetKind.Call ? PolicyCompiler.BestCallRule(rules, target) : PolicyCompiler.BestMemberRule(rules, target);
        return verdict is { Action: GuardAction.Allow };
    }

    /// <summary>Whether a reflection object is the runtime's own (so what it reaches is what it says).</summary>
    public static bool IsRuntimeObject(object reflection) => reflection.GetType().Assembly == typeof(object).Assembly;
}
