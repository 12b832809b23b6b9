using System.Collections;
using System.Reflection;
using KcrRuntime;
using Weaver.Engine.Pipeline;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Suggest;

/// <summary>What a differential run of the auto-memoized methods of one assembly found.</summary>
internal sealed record DifferentialResult(IReadOnlyList<string> Memoized, int Exercised, int Calls, long Hits, IReadOnlyList<string> Mismatches,
    IReadOnlyList<string> Unexercised);

/// <summary>
/// Weaves an assembly with <c>--memoize auto</c> (memoization only, so that guard verdicts play no part), then calls
/// every auto-memoized method woven and unwoven with the same seeded random arguments, drawn from a small pool so
/// that keys repeat (learning, then hits): the results (or the exceptions) must be identical, call for call.
/// </summary>
internal static class AutoMemoizeDifferential
{
    public const int Seed = 20261202;

    public static DifferentialResult Run(string dll, int callsPerMethod = 120, string? profile = null)
    {
        var output = Path.Combine(Path.GetDirectoryName(dll)!, "auto", Path.GetFileName(dll));
        var result = new WeavePipeline().Run(new WeaveOptions
        {
            InputPath = dll, OutputPath = output, Guards = GuardKinds.None, Memoize = ["auto"], MemoizeProfile = profile,
        });
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var memoized = result.Report.Memoized.ToList();
        var woven = Woven.LoadUnbound(output);
        var plain = Woven.LoadUnbound(dll);
        var mismatches = new List<string>();
        var unexercised = new List<string>();
        int exercised = 0, calls = 0;
        long hitsBefore = Kcr.Tables.Sum(t => t.GetStatistics().Hits);
        foreach (var table in memoized)
        {
            var wovenMethod = Find(woven, table);
            var plainMethod = Find(plain, table);
            if (wovenMethod is null || plainMethod is null || !RandomArguments.CanMake(plainMethod))
            {
                unexercised.Add(table);
                continue;
            }
            exercised++;
            // Each copy gets its own arguments (its own types, from its own load context) from the same seed.
            var seeds = Enumerable.Range(0, 8).Select(k => Seed + 7919 * k).ToList();
            var order = new Random(Seed);
            for (int i = 0; i < callsPerMethod; i++)
            {
                int seed = seeds[order.Next(seeds.Count)];
                var args = new RandomArguments(seed).For(plainMethod);
                var expected = Invoke(plainMethod, args);
                var actual = Invoke(wovenMethod, new RandomArguments(seed).For(wovenMethod));
                calls++;
                if (!Same(expected, actual))
                {
                    mismatches.Add($"{table}({string.Join(", ", args.Select(Show))}): unwoven {Show(expected)}, woven {Show(actual)}");
                    break;
                }
            }
        }
        long hits = Kcr.Tables.Sum(t => t.GetStatistics().Hits) - hitsBefore;
        return new DifferentialResult(memoized, exercised, calls, hits, mismatches, unexercised);
    }

    // Table names are Ns.Type::Method(System.Byte[],System.Int32), nesting with '+'.
    private static MethodInfo? Find(Assembly assembly, string table)
    {
        var separator = table.IndexOf("::", StringComparison.Ordinal);
        var type = assembly.GetType(table[..separator], throwOnError: false);
        var rest = table[(separator + 2)..];
        var name = rest[..rest.IndexOf('(')];
        var parameters = rest[(rest.IndexOf('(') + 1)..^1];
        return type?.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            .FirstOrDefault(m => m.Name == name && string.Join(",", m.GetParameters().Select(p => CecilName(p.ParameterType))) == parameters);
    }

    private static string CecilName(Type type) => type.IsGenericType
        ? $"{type.Namespace}.{type.Name}<{string.Join(",", type.GetGenericArguments().Select(CecilName))}>"
        : (type.FullName ?? type.Name).Replace('+', '/');

    private static object? Invoke(MethodInfo method, object?[] args)
    {
        try { return method.Invoke(null, args); }
        catch (TargetInvocationException e) when (e.InnerException is not null) { return new Thrown(e.InnerException.GetType().FullName!, e.InnerException.Message); }
    }

    private sealed record Thrown(string Type, string Message);

    private static bool Same(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (IEnumerable x, IEnumerable y) when a is not string => x.Cast<object?>().SequenceEqual(y.Cast<object?>(), Comparer.Instance),
        _ => Equals(a, b) || a is not null && b is not null && SameStructure(a, b),
    };

    // Values of the woven and the unwoven copy have types of the same name from two load contexts: compare fields.
    private static bool SameStructure(object a, object b)
    {
        var type = a.GetType();
        if (type.FullName != b.GetType().FullName || !type.IsValueType && a is not Thrown) return false;
        var fields = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        var other = b.GetType();
        return fields.All(f => Same(f.GetValue(a), other.GetField(f.Name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)!.GetValue(b)));
    }

    private sealed class Comparer : IEqualityComparer<object?>
    {
        public static readonly Comparer Instance = new();
        public new bool Equals(object? x, object? y) => Same(x, y);
        public int GetHashCode(object? obj) => 0;
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        Array a => $"[{string.Join(",", a.Cast<object?>().Select(Show))}]",
        _ => value.ToString() ?? "",
    };
}
