namespace KcrRuntime;

/// <summary>Where a memoized method stands in determinism learning.</summary>
public enum LearningState
{
    /// <summary>No key is confirmed yet: each result is computed and compared with the earlier one for its key.</summary>
    Learning = 0,

    /// <summary>Some keys are confirmed (learning is per key) and served; the others still learn.</summary>
    Serving = 1,

    /// <summary>Equal keys once gave different results; the method is never served from the cache again.</summary>
    Nondeterministic = 2,

    /// <summary>
    /// Measured not to pay (<c>hit_rate × (body − hit) &lt; miss_rate × miss_overhead</c>): the wrapper calls the
    /// original directly, at the cost of one load and branch per call.
    /// </summary>
    Unprofitable = 3,
}
