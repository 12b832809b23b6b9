using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace KcrRuntime;

/// <summary>The one <see cref="StaticDependency"/> per static field name, created on first use.</summary>
internal static class StaticDependencies
{
    private static readonly ConcurrentDictionary<string, StaticDependency> s_dependencies = new(StringComparer.Ordinal);

    internal static StaticDependency Get(string staticFieldName)
    {
        ArgumentException.ThrowIfNullOrEmpty(staticFieldName);
        return s_dependencies.GetOrAdd(staticFieldName, static name => new StaticDependency(name));
    }

    internal static bool TryGet(string staticFieldName, [NotNullWhen(true)] out StaticDependency? dependency) =>
        s_dependencies.TryGetValue(staticFieldName, out dependency);
}
