using GuardRuntime.Effects;
using Mono.Cecil;
using Weaver.Engine.Escapes;

namespace Weaver.Engine.Purity;

/// <summary>What a call to a framework member means for purity: impure (and why), or pure with the effect model's rule.</summary>
internal readonly record struct FrameworkVerdict(string? Impurity, EffectRule? Rule);

/// <summary>
/// Decides, deny by default, whether a framework member is pure: it must not be one of the named sources of
/// nondeterminism (<see cref="NondeterminismTable"/>), must be on the reviewed list of pure members
/// (<see cref="PureFrameworkTable"/>), must not depend on the current culture, and the security model's effect table
/// (<c>framework-effects.txt</c>) must not say it calls back, reflects, frees or is refused. What it writes is the
/// effect table's business: the interpreter applies the rule's destinations, and treats every writable span, byref
/// or pointer argument as written whatever the rule says.
/// </summary>
internal static class FrameworkPurity
{
    // Framework types whose generic methods never call a member of their type arguments (no Equals, no CompareTo).
    private static readonly HashSet<string> NoCallbackGenerics =
    [
        "System.Span`1", "System.ReadOnlySpan`1", "System.Memory`1", "System.ReadOnlyMemory`1", "System.Nullable`1",
        "System.Runtime.CompilerServices.Unsafe", "System.Runtime.InteropServices.MemoryMarshal", "System.Array",
        "System.Runtime.CompilerServices.RuntimeHelpers", "System.Buffers.Binary.BinaryPrimitives",
        "System.Runtime.InteropServices.Marshal", "System.ArraySegment`1", "System.Collections.Generic.KeyValuePair`2",
        "System.Collections.Generic.KeyValuePair",
    ];

    /// <summary>Judges a call to <paramref name="callee"/>, declared outside the module.</summary>
    public static FrameworkVerdict Judge(EffectModel model, MethodReference callee)
    {
        var typeName = EffectSignature.TypeName(callee.DeclaringType);
        var signature = EffectSignature.Of(callee);
        var api = $"{typeName}.{callee.Name}";
        if (NondeterminismTable.Reason(typeName, callee.Name, signature) is { } why) return new($"calls {api}, which {why}", null);
        if (!PureFrameworkTable.IsPure(typeName, callee.Name, signature))
            return new($"calls {api}({Short(signature)}), a framework member not on the list of reviewed pure members", null);
        if (CultureSensitive(callee, typeName) is { } culture) return new($"calls {api}({Short(signature)}), which {culture}", null);
        if (TypeArgumentCallbacks(callee, typeName) is { } generic) return new($"calls {api} {generic}", null);
        var rule = model.Classify(typeName, callee.Name, signature);
        if (rule is { Class: EffectClass.CallsBack or EffectClass.Reflective or EffectClass.Refused or EffectClass.FreesOrReallocates })
            return new($"calls {api}, which {Describe(rule)} [effect model line {rule.Line}]", null);
        return new(null, rule);
    }

    private static string Describe(EffectRule rule) => rule.Class switch
    {
        EffectClass.CallsBack => "calls back into a delegate or a virtual member whose code is unknown",
        EffectClass.FreesOrReallocates => "frees or reallocates memory",
        _ => rule.Reason ?? "the security model refuses",
    };

    // Formatting and parsing without a format provider read CultureInfo.CurrentCulture, which any thread may change.
    private static string? CultureSensitive(MethodReference callee, string typeName)
    {
        var parameters = callee.Parameters.Select(p => p.ParameterType.FullName).ToList();
        bool hasProvider = parameters.Any(p => p is "System.IFormatProvider" or "System.Globalization.CultureInfo"
            or "System.StringComparison" or "System.Globalization.CompareOptions" or "System.Globalization.NumberFormatInfo"
            or "System.Globalization.DateTimeFormatInfo");
        if (hasProvider) return null;
        var name = callee.Name;
        bool valueType = typeName is "System.Byte" or "System.SByte" or "System.Int16" or "System.UInt16" or "System.Int32"
            or "System.UInt32" or "System.Int64" or "System.UInt64" or "System.Single" or "System.Double" or "System.Half"
            or "System.Decimal" or "System.Int128" or "System.UInt128" or "System.DateTime" or "System.DateTimeOffset"
            or "System.TimeSpan" or "System.IntPtr" or "System.UIntPtr";
        if (valueType && name is "ToString" or "Parse" or "TryParse" or "TryFormat")
            return "formats or parses with the current culture (no IFormatProvider)";
        if (typeName == "System.String" && (name is "ToUpper" or "ToLower" or "Compare" or "CompareTo" or "Format"
                || name is "StartsWith" or "EndsWith" or "IndexOf" or "LastIndexOf" && parameters.FirstOrDefault() == "System.String"))
            return "compares or formats with the current culture (no StringComparison or IFormatProvider)";
        if (typeName == "System.Char" && name is "ToUpper" or "ToLower") return "maps case with the current culture";
        if (typeName == "System.Text.StringBuilder" && name is "AppendFormat" or "Append" && parameters.Count == 1
                && parameters[0] is "System.Single" or "System.Double" or "System.Decimal" or "System.Int16" or "System.Int32"
                    or "System.Int64" or "System.SByte" or "System.UInt16" or "System.UInt32" or "System.UInt64" or "System.Byte")
            return "formats a number with the current culture";
        if (typeName == "System.Text.StringBuilder" && name == "AppendFormat") return "formats with the current culture";
        if (typeName == "System.Runtime.CompilerServices.DefaultInterpolatedStringHandler" && name == ".ctor")
            return "formats an interpolated string with the current culture";
        if (typeName == "System.Convert" && name.StartsWith("To", StringComparison.Ordinal) && parameters.Any(p => p == "System.String"))
            return "parses with the current culture (no IFormatProvider)";
        return null;
    }

    // A generic framework member instantiated over a type with members of its own (a class or a module struct) would
    // call its Equals, GetHashCode or CompareTo: code whose purity is not the framework's to promise.
    private static string? TypeArgumentCallbacks(MethodReference callee, string typeName)
    {
        if (NoCallbackGenerics.Contains(typeName)) return null;
        var arguments = new List<TypeReference>();
        if (callee is GenericInstanceMethod gm) arguments.AddRange(gm.GenericArguments);
        if (callee.DeclaringType is GenericInstanceType gt) arguments.AddRange(gt.GenericArguments);
        foreach (var argument in arguments)
            if (!HasValueSemantics(argument))
                return $"over {argument.FullName}, whose Equals, GetHashCode or CompareTo the framework would call";
        return null;
    }

    /// <summary>Primitives, strings and enums: types whose equality, hash and order the framework computes itself.</summary>
    public static bool HasValueSemantics(TypeReference type)
    {
        if (type.IsPrimitive || type.MetadataType is MetadataType.String) return true;
        if (type.FullName is "System.Decimal" or "System.DateTime" or "System.TimeSpan" or "System.Guid" or "System.Text.Rune") return true;
        try { return type.Resolve() is { IsEnum: true }; }
        catch (AssemblyResolutionException) { return false; }
    }

    private static string Short(string signature) => signature.Replace("System.", "", StringComparison.Ordinal);
}
