using GuardRuntime.Effects;

namespace GuardRuntime.Reflection;

/// <summary>
/// The one rule for reflection members that have no shim (<see cref="GuardRuntime.ReflectionShims"/>) and that the effect
/// model calls reflective: they are refused at run time, at the call, rather than at weave time, so that a library with
/// a fallback path weaves with default options and keeps working, checked. Read by the weaver (calls in a module) and by
/// the host (the reason in the exception).
/// </summary>
internal static class ReflectionCatalogue
{
    // The reflection vocabulary: what a library reflects with. Code generation and loading (System.Reflection.Emit,
    // Assembly.Load*) are the code-generation step's, which runs first; serializers, 'dynamic' and native interop keep
    // their weave-time refusal.
    private static readonly string[] Vocabulary =
        ["System.Reflection.", "System.Type", "System.Activator", "System.Delegate", "System.RuntimeTypeHandle"];

    /// <summary>Why a reflection member without a shim is refused at run time, or null when it is not one.</summary>
    public static string? Uncovered(string typeName, string member, string parameters)
    {
        if (typeName.StartsWith("System.Reflection.Emit.", StringComparison.Ordinal)) return null;
        if (!Vocabulary.Any(v => v.EndsWith('.') ? typeName.StartsWith(v, StringComparison.Ordinal) : typeName == v)) return null;
        var rule = EffectModel.Framework.Classify(typeName, member, parameters);
        return rule is { Class: EffectClass.Reflective } ? rule.Reason ?? "no check covers it" : null;
    }

    /// <summary>The reason for an API the weaver named as <c>Type::Member(parameters)</c>.</summary>
    public static string WhyUncovered(string api)
    {
        int split = api.IndexOf("::", StringComparison.Ordinal);
        int open = api.IndexOf('(', StringComparison.Ordinal);
        if (split < 0 || open < split) return "no check covers it";
        return Uncovered(api[..split], api[(split + 2)..open], api[(open + 1)..^1]) ?? "no check covers it";
    }
}
