using System.ComponentModel;

namespace KcrRuntime;

/// <summary>
/// The static entry points memoizing wrappers and guard-woven static stores call. Part of the ABI (listed once in
/// the verifier's ABI descriptor); hosts use <c>KcrRuntime.Kcr</c> instead.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Memo
{
    /// <summary>
    /// Invalidates the tables that declared (<see cref="MemoTable.DependsOn"/>) that they read
    /// <paramref name="staticFieldName"/>. Woven code calls it right after the store.
    /// </summary>
    /// <param name="staticFieldName">The field identity, e.g. <c>System.Int32 Ns.Type::field</c>.</param>
    public static void InvalidateDependents(string staticFieldName)
    {
        if (StaticDependencies.TryGet(staticFieldName, out StaticDependency? dependency))
        {
            dependency.Invalidate();
        }
    }
}
