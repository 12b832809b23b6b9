namespace KcrRuntime;

/// <summary>
/// Per-method cache configuration. Sizes are rounded up to powers of two so that an index is a
/// mask of the fingerprint.
/// </summary>
/// <remarks>
/// Memory bound per method: <see cref="MaxTableBytes"/> over the keys, buffer copies and results the shared table
/// holds (an estimate of their heap size), and process-wide <c>Kcr.MaxTotalBytes</c>. A per-thread L2 slot only
/// references entries of the shared table; an entry evicted from it is cleared from every thread's L2.
/// </remarks>
public sealed class KcrOptions
{
    /// <summary>Default number of confirmations before serving (3).</summary>
    public const int DefaultLearningConfirmations = 3;

    /// <summary>Default largest cacheable key in bytes (4096).</summary>
    public const int DefaultMaxKeyBytes = 4096;

    /// <summary>Default per-thread L2 size (512 entries, direct-mapped).</summary>
    public const int DefaultL2Entries = 512;

    /// <summary>Default shared L3 size (4096 entries, 4-way set-associative).</summary>
    public const int DefaultL3Entries = 4096;

    /// <summary>Default byte budget of one table (16 MiB).</summary>
    public const long DefaultMaxTableBytes = 16L << 20;

    /// <summary>Associativity of the shared L3.</summary>
    public const int L3Ways = 4;

    /// <summary>Shared default instance used when <c>null</c> options are passed.</summary>
    public static KcrOptions Default { get; } = new();

    /// <summary>Confirmations (equal result for an equal key) needed before results are served; 0 serves at once.</summary>
    public int LearningConfirmations { get; init; } = DefaultLearningConfirmations;

    /// <summary>Largest encoded key that is cached; longer keys are counted as uncacheable.</summary>
    public int MaxKeyBytes { get; init; } = DefaultMaxKeyBytes;

    /// <summary>Entries in each thread's direct-mapped L2.</summary>
    public int L2Entries { get; init; } = DefaultL2Entries;

    /// <summary>Entries in the shared set-associative L3.</summary>
    public int L3Entries { get; init; } = DefaultL3Entries;

    /// <summary>Byte budget of the table's entries (keys, buffer copies, results); the oldest are evicted past it.</summary>
    public long MaxTableBytes { get; init; } = DefaultMaxTableBytes;

    /// <summary>
    /// Whether the runtime measures, while it learns, the body's cost and the hit rate, and switches a table that does
    /// not pay to <see cref="LearningState.Unprofitable"/> (the wrapper then calls the original directly).
    /// </summary>
    public bool CheckProfit { get; init; } = true;

    /// <summary>
    /// Builds options from the weaver-visible integers of a <see cref="MemoizeAttribute"/>; any
    /// negative argument selects the default. This is the call the weaver emits, so that it never
    /// has to emit property setters.
    /// </summary>
    /// <param name="learningConfirmations">See <see cref="LearningConfirmations"/>.</param>
    /// <param name="maxKeyBytes">See <see cref="MaxKeyBytes"/>.</param>
    /// <param name="l2Entries">See <see cref="L2Entries"/>.</param>
    /// <param name="l3Entries">See <see cref="L3Entries"/>.</param>
    /// <param name="maxTableKilobytes">See <see cref="MaxTableBytes"/>, in KiB.</param>
    /// <param name="checkProfit">See <see cref="CheckProfit"/>: 0 off, positive on.</param>
    /// <returns>The options; <see cref="Default"/> when every argument is negative.</returns>
    public static KcrOptions Create(int learningConfirmations, int maxKeyBytes, int l2Entries, int l3Entries,
        int maxTableKilobytes, int checkProfit)
    {
        if (learningConfirmations < 0 && maxKeyBytes < 0 && l2Entries < 0 && l3Entries < 0 && maxTableKilobytes < 0
            && checkProfit < 0)
        {
            return Default;
        }

        return new KcrOptions
        {
            LearningConfirmations = learningConfirmations < 0 ? DefaultLearningConfirmations : learningConfirmations,
            MaxKeyBytes = maxKeyBytes < 0 ? DefaultMaxKeyBytes : maxKeyBytes,
            L2Entries = l2Entries < 0 ? DefaultL2Entries : l2Entries,
            L3Entries = l3Entries < 0 ? DefaultL3Entries : l3Entries,
            MaxTableBytes = maxTableKilobytes < 0 ? DefaultMaxTableBytes : (long)maxTableKilobytes << 10,
            CheckProfit = checkProfit != 0,
        };
    }

    /// <summary>Rejects values the cache cannot work with, naming the method for the message.</summary>
    internal void Validate(string methodName)
    {
        if (MaxKeyBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxKeyBytes), MaxKeyBytes, $"KCR: MaxKeyBytes for {methodName} must be at least 1.");
        }

        if (MaxTableBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTableBytes), MaxTableBytes, $"KCR: MaxTableBytes for {methodName} must be positive.");
        }

        if (L2Entries < 1 || L2Entries > 1 << 20)
        {
            throw new ArgumentOutOfRangeException(nameof(L2Entries), L2Entries, $"KCR: L2Entries for {methodName} must be in 1..2^20.");
        }

        if (L3Entries < L3Ways || L3Entries > 1 << 24)
        {
            throw new ArgumentOutOfRangeException(nameof(L3Entries), L3Entries, $"KCR: L3Entries for {methodName} must be in {L3Ways}..2^24.");
        }
    }

    /// <summary>Smallest power of two not below <paramref name="value"/>.</summary>
    internal static int RoundUpToPowerOfTwo(int value) => (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)value);
}
