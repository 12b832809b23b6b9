using System.Reflection;

namespace Weaver.Tests.Fuzz;

/// <summary>How a generated call spells a member.</summary>
public enum MemberKind { Static, Instance, StaticSetter, Setter, IndexerSetter, Constructor }

/// <summary>
/// One framework member the grammar can call, closed (generic arguments long, int or byte), as reflected on
/// <see cref="On"/> (the declaring type for static members and constructors, the receiver's static type otherwise).
/// </summary>
public sealed record Member(string Key, MemberKind Kind, MethodBase Method, Type On)
{
    public ParameterInfo[] Parameters { get; } = Method.GetParameters();

    public override string ToString() => Key;
}

/// <summary>
/// The framework surface a module may call, enumerated by reflection over the running framework: public static and
/// instance methods, property setters, indexers and constructors of the public types of a few assemblies (generic
/// ones closed over long, int and byte), kept when every parameter (and the receiver) can be filled from
/// <see cref="ArgumentProducers"/> and at least one slot can take protected memory.
/// </summary>
public static class FrameworkSurface
{
    private static readonly string[] AssemblyNames =
    [
        "System.Private.CoreLib", "System.Runtime", "System.Collections", "System.Memory", "System.Runtime.Intrinsics",
        "System.Text.Encoding.Extensions", "System.Runtime.InteropServices", "System.Linq",
    ];

    private static readonly Type[] Closers = [typeof(long), typeof(int), typeof(byte)];

    private const BindingFlags StaticFlags = BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Every candidate, sorted by key (so a seed picks the same calls on every run).</summary>
    public static readonly Lazy<IReadOnlyList<Member>> Candidates = new(Enumerate);

    /// <summary>Members left out by <see cref="SurfaceExclusions"/>, counted by reason (for the report).</summary>
    public static readonly Dictionary<string, int> Excluded = [];

    private static IReadOnlyList<Member> Enumerate()
    {
        var found = new Dictionary<string, Member>(StringComparer.Ordinal);
        foreach (var type in SurfaceTypes().SelectMany(Close))
        {
            // Static members of interfaces are static abstract/virtual: callable only through a type parameter.
            foreach (var m in type.IsInterface ? [] : type.GetMethods(StaticFlags))
                foreach (var closed in CloseMethod(m))
                    Add(found, closed, type, closed.IsSpecialName ? MemberKind.StaticSetter : MemberKind.Static);
            if (!type.IsAbstract && !type.IsInterface && type != typeof(string))
                foreach (var c in type.GetConstructors())
                    Add(found, c, type, MemberKind.Constructor);
        }
        // Instance members: on every static type a receiver producer has (interfaces with their base interfaces).
        foreach (var on in ArgumentProducers.All.Where(p => !p.IsRef && !p.Type.IsPointer).Select(p => p.Type).Distinct())
        {
            var methods = on.IsInterface
                ? on.GetMethods().Concat(on.GetInterfaces().SelectMany(i => i.GetMethods()))
                : on.GetMethods(BindingFlags.Public | BindingFlags.Instance);
            foreach (var m in methods.Where(m => m.DeclaringType != typeof(object)))
                foreach (var closed in CloseMethod(m))
                {
                    var kind = !closed.IsSpecialName ? MemberKind.Instance
                        : closed.GetParameters().Length > 1 ? MemberKind.IndexerSetter : MemberKind.Setter;
                    Add(found, closed, on, kind);
                }
        }
        return [.. found.Values.OrderBy(m => m.Key, StringComparer.Ordinal)];
    }

    private static void Add(Dictionary<string, Member> found, MethodBase m, Type on, MemberKind kind)
    {
        if (m.IsSpecialName && m is MethodInfo && !m.Name.StartsWith("set_", StringComparison.Ordinal)) return;
        if (m.ContainsGenericParameters || m.CallingConvention.HasFlag(CallingConventions.VarArgs)) return;
        if (SurfaceExclusions.Reason(m, on) is { } reason)
        {
            lock (Excluded) Excluded[reason] = Excluded.GetValueOrDefault(reason) + 1;
            return;
        }
        var member = new Member(CSharpNames.Key(m, on), kind, m, on);
        bool anyProtected = kind is MemberKind.Instance or MemberKind.Setter or MemberKind.IndexerSetter
                            && Fill.Receivers(on).Any(p => p.Protected);
        foreach (var p in member.Parameters)
        {
            var options = Fill.For(p.ParameterType);
            if (options.Count == 0) return;
            anyProtected |= options.Any(o => o.Protected);
        }
        if (anyProtected) found.TryAdd(member.Key, member);
    }

    private static IEnumerable<Type> SurfaceTypes()
    {
        var seen = new HashSet<Type>();
        foreach (var name in AssemblyNames)
        {
            Assembly a;
            try { a = Assembly.Load(name); }
            catch (FileNotFoundException) { continue; }
            foreach (var t in a.GetExportedTypes().Concat(a.GetForwardedTypes()))
                if (t.IsVisible && !t.IsSubclassOf(typeof(Delegate)) && seen.Add(t)) yield return t;
        }
    }

    // A generic type definition is closed over long, int and byte (every argument the same); others as they are.
    private static IEnumerable<Type> Close(Type t)
    {
        if (!t.IsGenericTypeDefinition) { yield return t; yield break; }
        foreach (var c in Closers)
        {
            Type? closed = null;
            try { closed = t.MakeGenericType([.. t.GetGenericArguments().Select(_ => c)]); }
            catch (ArgumentException) { }
            if (closed is not null) yield return closed;
        }
    }

    private static IEnumerable<MethodBase> CloseMethod(MethodInfo m)
    {
        if (!m.IsGenericMethodDefinition) { yield return m; yield break; }
        int n = m.GetGenericArguments().Length;
        if (n > 2) yield break;
        var combos = n == 1 ? Closers.Select(c => new[] { c }) : Closers.SelectMany(a => Closers.Select(b => new[] { a, b }));
        foreach (var args in combos)
        {
            MethodInfo? closed = null;
            try { closed = m.MakeGenericMethod(args); }
            catch (ArgumentException) { }
            if (closed is not null) yield return closed;
        }
    }
}
