using System.Collections.Concurrent;
using System.Reflection;

namespace GuardRuntime;

/// <summary>
/// What the field, type and namespace rules of one compiled policy say about writing a whole object of a given type:
/// the strictest verdict over its instance fields (and its base types'), as if the module had stored to each one.
/// Used when a framework call may write an object for the module (<c>Guard.StoreObject</c>), where the weaver cannot
/// know which field the framework will touch. Computed once per type and cached.
/// </summary>
internal sealed class ObjectRules
{
    /// <summary>No rules: only instances and immutable shared objects decide.</summary>
    public static readonly ObjectRules None = new([], GuardAction.Allow, "");

    private static readonly string? FrameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location);

    private readonly List<PolicyRule> rules;
    private readonly GuardAction defaultAction;
    private readonly string moduleName;
    private readonly ConcurrentDictionary<Type, Verdict?> byType = new();

    public ObjectRules(List<PolicyRule> rules, GuardAction defaultAction, string moduleName)
    {
        this.rules = rules;
        this.defaultAction = defaultAction;
        this.moduleName = moduleName;
        AnyDeny = defaultAction != GuardAction.Allow || rules.Any(r =>
            r.Action != GuardAction.Allow && r.Selector is RuleSelector.Field or RuleSelector.Type or RuleSelector.Namespace);
    }

    /// <summary>Whether any rule (or the default action) could deny a field store at all.</summary>
    public bool AnyDeny { get; }

    /// <summary>The strictest non-allow verdict over the instance fields of <paramref name="type"/>, or null.</summary>
    public Verdict? For(Type type) => AnyDeny ? byType.GetOrAdd(type, Compute) : null;

    private Verdict? Compute(Type type)
    {
        Verdict? strictest = null;
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            var named = t.IsGenericType ? t.GetGenericTypeDefinition() : t;
            var assembly = named.Assembly.GetName().Name;
            // The default action covers host types only: the module's own types are its own, and a framework type's
            // private fields are not host state unless a rule names them.
            bool defaultApplies = assembly != moduleName && !IsFramework(named.Assembly);
            foreach (var field in named.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                var target = new GuardTarget(0, TargetKind.InstanceField, $"{named.FullName}::{field.Name}", assembly);
                var verdict = PolicyCompiler.BestMemberRule(rules, target)
                              ?? (defaultApplies ? PolicyCompiler.DefaultVerdict(defaultAction) : null);
                if (verdict is { Action: not GuardAction.Allow } && (strictest is null || verdict.Action > strictest.Action))
                    strictest = verdict;
            }
        }
        return strictest;
    }

    private static readonly ConcurrentDictionary<Type, FieldInfo[]> StorageFields = new();

    /// <summary>The arrays a framework object keeps its contents in (its instance fields of array type), if any.</summary>
    public static IEnumerable<Array> StorageOf(object target)
    {
        var fields = StorageFields.GetOrAdd(target.GetType(), static t => IsFramework(t.Assembly) && !t.IsArray
            ? [.. AllInstanceFields(t).Where(f => f.FieldType.IsArray)]
            : []);
        foreach (var field in fields)
            if (field.GetValue(target) is Array array) yield return array;
    }

    private static IEnumerable<FieldInfo> AllInstanceFields(Type type)
    {
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
            foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                yield return f;
    }

    private static bool IsFramework(Assembly assembly) =>
        FrameworkDirectory is not null && !assembly.IsDynamic
        && string.Equals(Path.GetDirectoryName(assembly.Location), FrameworkDirectory, StringComparison.OrdinalIgnoreCase);
}
