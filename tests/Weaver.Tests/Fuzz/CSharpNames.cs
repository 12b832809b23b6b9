using System.Reflection;

namespace Weaver.Tests.Fuzz;

/// <summary>
/// C# spellings of reflected types and members, fully qualified with <c>global::</c> so that a generated call binds
/// to exactly the member the grammar picked whatever else is in scope. Also the stable keys of the regression file.
/// </summary>
public static class CSharpNames
{
    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(void)] = "void", [typeof(object)] = "object", [typeof(string)] = "string", [typeof(bool)] = "bool",
        [typeof(byte)] = "byte", [typeof(sbyte)] = "sbyte", [typeof(short)] = "short", [typeof(ushort)] = "ushort",
        [typeof(int)] = "int", [typeof(uint)] = "uint", [typeof(long)] = "long", [typeof(ulong)] = "ulong",
        [typeof(char)] = "char", [typeof(float)] = "float", [typeof(double)] = "double", [typeof(decimal)] = "decimal",
        [typeof(nint)] = "nint", [typeof(nuint)] = "nuint",
    };

    /// <summary>The C# type syntax (byrefs are spelled as their element type: the caller adds ref/out/in).</summary>
    public static string Of(Type t, bool global = true)
    {
        if (t.IsByRef) return Of(t.GetElementType()!, global);
        if (Keywords.TryGetValue(t, out var k)) return k;
        if (t.IsPointer) return Of(t.GetElementType()!, global) + "*";
        if (t.IsArray) return Of(t.GetElementType()!, global) + "[" + new string(',', t.GetArrayRank() - 1) + "]";
        if (t.IsGenericParameter) return t.Name;
        var prefix = global ? "global::" : "";
        var args = t.IsGenericType ? t.GetGenericArguments() : [];
        // Nested types: the outer type carries the first generic arguments.
        var chain = new List<Type>();
        for (var c = t; c is not null; c = c.DeclaringType) chain.Insert(0, c);
        var parts = new List<string>();
        int used = 0;
        foreach (var c in chain)
        {
            var name = c.Name;
            int tick = name.IndexOf('`');
            int own = tick < 0 ? 0 : int.Parse(name[(tick + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            if (tick >= 0) name = name[..tick];
            if (own > 0) name += "<" + string.Join(", ", args.Skip(used).Take(own).Select(a => Of(a, global))) + ">";
            used += own;
            parts.Add(name);
        }
        var ns = chain[0].Namespace;
        return prefix + (string.IsNullOrEmpty(ns) ? "" : ns + ".") + string.Join(".", parts);
    }

    /// <summary>The ref/out/in modifier a call site needs for a parameter ("" for by-value).</summary>
    public static string Modifier(ParameterInfo p)
    {
        if (!p.ParameterType.IsByRef) return "";
        if (p.IsOut) return "out ";
        bool readOnly = p.IsIn || p.CustomAttributes.Any(a => a.AttributeType.Name is "IsReadOnlyAttribute"
            or "RequiresLocationAttribute");
        return readOnly ? "in " : "ref ";
    }

    /// <summary>
    /// A stable, readable key of a member as reflected on a type: <c>System.Span&lt;long&gt;::Fill(long)</c>. Equal keys
    /// mean the same member on every run of the same framework, whatever the reflection order.
    /// </summary>
    public static string Key(MethodBase m, Type on)
    {
        var name = m is ConstructorInfo ? ".ctor" : m.Name;
        if (m is MethodInfo { IsGenericMethod: true } g)
            name += "<" + string.Join(", ", g.GetGenericArguments().Select(a => Of(a, false))) + ">";
        var ps = string.Join(", ", m.GetParameters().Select(p => Modifier(p) + Of(p.ParameterType, false)));
        return Of(on, false) + "::" + name + "(" + ps + ")";
    }
}
