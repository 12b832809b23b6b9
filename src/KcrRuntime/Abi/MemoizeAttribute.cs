namespace KcrRuntime;

/// <summary>
/// Marks a static, pure method whose results the weaver may memoize through the KCR runtime.
/// </summary>
/// <remarks>
/// We ship our own attribute because <c>System.Diagnostics.Contracts.PureAttribute</c> is
/// <c>[Conditional("CONTRACTS_FULL")]</c> and therefore never reaches IL. The weaver reads the
/// named arguments below and passes them to <see cref="KcrOptions.Create"/>; a named argument
/// that is not set keeps the runtime default. Marking a method is a promise that its result
/// depends only on its arguments (and on static fields it declares through
/// <see cref="MemoTable.DependsOn"/>); determinism learning double-checks the promise before any
/// cached result is served.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class MemoizeAttribute : Attribute
{
    /// <summary>
    /// Number of times equal inputs must give equal results before the cache serves results.
    /// <c>0</c> trusts the attribute and serves immediately; <c>-1</c> (the default) means
    /// <see cref="KcrOptions.DefaultLearningConfirmations"/>.
    /// </summary>
    public int LearningCalls { get; set; } = -1;

    /// <summary>
    /// Largest key (encoded arguments) in bytes that is cached; calls with longer keys run
    /// uncached and are counted as uncacheable. <c>-1</c> (the default) means
    /// <see cref="KcrOptions.DefaultMaxKeyBytes"/>.
    /// </summary>
    public int MaxKeyBytes { get; set; } = -1;

    /// <summary>Entries of the per-thread L2; <c>-1</c> (the default) means <see cref="KcrOptions.DefaultL2Entries"/>.</summary>
    public int L2Entries { get; set; } = -1;

    /// <summary>Entries of the shared L3; <c>-1</c> (the default) means <see cref="KcrOptions.DefaultL3Entries"/>.</summary>
    public int L3Entries { get; set; } = -1;

    /// <summary>Byte budget of the table in KiB; <c>-1</c> (the default) means <see cref="KcrOptions.DefaultMaxTableBytes"/>.</summary>
    public int MaxTableKilobytes { get; set; } = -1;

    /// <summary>
    /// Whether the runtime may switch a table that does not pay to <see cref="LearningState.Unprofitable"/>
    /// (default true; <see cref="KcrOptions.CheckProfit"/>).
    /// </summary>
    public bool CheckProfit { get; set; } = true;
}
