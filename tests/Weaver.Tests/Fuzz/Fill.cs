using System.Collections.Concurrent;

namespace Weaver.Tests.Fuzz;

/// <summary>Which producers can fill a parameter type or a receiver (the typing rules of the grammar).</summary>
public static class Fill
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<Producer>> Cache = new();

    /// <summary>The producers a parameter of <paramref name="parameterType"/> accepts, in pool order.</summary>
    public static IReadOnlyList<Producer> For(Type parameterType) => Cache.GetOrAdd(parameterType, Compute);

    /// <summary>The producers whose static type is exactly <paramref name="on"/> (receivers of its instance members).</summary>
    public static IEnumerable<Producer> Receivers(Type on) =>
        ArgumentProducers.All.Where(p => !p.IsRef && p.Type == on);

    /// <summary>Looks a producer up by name for a parameter type (enum values are made per type).</summary>
    public static Producer? Resolve(string name, Type parameterType) =>
        For(parameterType).FirstOrDefault(p => p.Name == name);

    private static IReadOnlyList<Producer> Compute(Type p)
    {
        if (p.IsByRef)
        {
            var element = p.GetElementType()!;
            return [.. ArgumentProducers.All.Where(x => x.IsRef && x.Type == element)];
        }
        if (p.IsEnum)
        {
            var name = CSharpNames.Of(p);
            return [new("enum-default", p, "default(" + name + ")"), new("enum-1", p, "(" + name + ")1")];
        }
        var values = ArgumentProducers.All.Where(x => !x.IsRef);
        if (p.IsPointer)
            return [.. values.Where(x => x.Type == p || (p == typeof(void*) && x.Type.IsPointer))];
        if (p.IsValueType) return [.. values.Where(x => x.Type == p)];
        // Reference types: anything assignable; value types box (not ref structs, not pointers).
        return [.. values.Where(x => !x.Type.IsPointer && !x.Type.IsByRefLike && p.IsAssignableFrom(x.Type))];
    }
}
