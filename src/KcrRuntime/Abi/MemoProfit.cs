using System.Diagnostics;

namespace KcrRuntime;

/// <summary>
/// The run-time half of the cost model: a table pays when <c>hit_rate × (body − hit) ≥ miss_rate × miss_overhead</c>.
/// The body is measured (Stopwatch around sampled misses and learning calls, timer cost subtracted); the cost of a
/// hit and the overhead of a miss are the figures measured by <c>tools/bench.sh kcr</c> on the reference machine
/// (bench/results/kcr.md), as a constant plus a cost per buffer byte (one hash pass and one compare for a hit; a
/// second hash, a copy and an allocation for a miss).
/// </summary>
internal static class MemoProfit
{
    /// <summary>Samples before a verdict is possible.</summary>
    internal const int MinSamples = 32;

    /// <summary>Counted calls before a verdict is possible.</summary>
    internal const long MinCalls = 2048;

    internal const double HitNanoseconds = 3;
    internal const double HitNanosecondsPerByte = 1.0 / 24;
    internal const double MissNanoseconds = 60;
    internal const double MissNanosecondsPerByte = 1.0 / 6;

    /// <summary>Cost of the two timestamps around a sampled call, measured once.</summary>
    internal static readonly double TimerNanoseconds = MeasureTimer();

    /// <summary>Whether the table does not pay, from its measured body and hit rate.</summary>
    internal static bool DoesNotPay(double hitRate, double bodyNs, double bufferBytes)
    {
        double hit = HitNanoseconds + bufferBytes * HitNanosecondsPerByte;
        double missOverhead = MissNanoseconds + bufferBytes * MissNanosecondsPerByte;
        return hitRate * (bodyNs - hit) < (1 - hitRate) * missOverhead;
    }

    private static double MeasureTimer()
    {
        const int n = 64;
        long best = long.MaxValue;
        for (int i = 0; i < n; i++)
        {
            long a = Stopwatch.GetTimestamp();
            long b = Stopwatch.GetTimestamp();
            best = Math.Min(best, b - a);
        }

        return best * (1e9 / Stopwatch.Frequency);
    }
}
