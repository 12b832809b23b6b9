using System.Reflection;

namespace Weaver.Engine.Verification;

/// <summary>Picks type arguments that satisfy generic parameters' constraints, for forcing the JIT over generic code.</summary>
internal static class GenericArguments
{
    public static Type[]? Close(Type[] parameters)
    {
        var result = new Type[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            var candidate = Pick(parameters[i]);
            if (candidate is null) return null;
            result[i] = candidate;
        }
        return result;
    }

    private static Type? Pick(Type parameter)
    {
        var attributes = parameter.GenericParameterAttributes;
        var constraints = parameter.GetGenericParameterConstraints();
        bool needsStruct = attributes.HasFlag(GenericParameterAttributes.NotNullableValueTypeConstraint);
        bool needsClass = attributes.HasFlag(GenericParameterAttributes.ReferenceTypeConstraint);
        Type[] candidates = needsStruct ? [typeof(int), typeof(long), typeof(byte)] : needsClass ? [typeof(object), typeof(string)] : [typeof(object), typeof(int), typeof(string)];
        foreach (var constraint in constraints)
        {
            if (constraint.ContainsGenericParameters) return null;
            if (!constraint.IsInterface && !constraint.IsSealed && constraint != typeof(ValueType) && constraint != typeof(Enum))
                candidates = [constraint, .. candidates];
        }
        foreach (var candidate in candidates)
        {
            if (constraints.All(c => c.IsAssignableFrom(candidate))
                && (!attributes.HasFlag(GenericParameterAttributes.DefaultConstructorConstraint) || candidate.IsValueType || candidate.GetConstructor(Type.EmptyTypes) is not null))
                return candidate;
        }
        return null;
    }
}
