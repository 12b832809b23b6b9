namespace KcrRuntime;

/// <summary>Where a memoized method stands in determinism learning.</summary>
public enum LearningState
{
    /// <summary>Results are computed every time and compared with earlier results for equal keys.</summary>
    Learning = 0,

    /// <summary>Enough confirmations were seen; hits are served from the cache.</summary>
    Serving = 1,

    /// <summary>Equal keys once gave different results; the method is never served from the cache again.</summary>
    Nondeterministic = 2,
}
