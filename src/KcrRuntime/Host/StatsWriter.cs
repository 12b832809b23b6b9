using System.Globalization;

namespace KcrRuntime;

/// <summary>Formats statistics as the text of <see cref="Kcr.DumpStats"/>: one block per method.</summary>
internal static class StatsWriter
{
    internal static void Write(TextWriter writer, IReadOnlyList<MemoTable> tables, bool enabled)
    {
        ArgumentNullException.ThrowIfNull(writer);
        CultureInfo c = CultureInfo.InvariantCulture;
        writer.WriteLine(string.Create(c, $"kcr: enabled={(enabled ? 1 : 0)} tables={tables.Count} bytes={MemoBudget.Total}"));
        foreach (MemoTable table in tables)
        {
            MemoStatistics s = table.GetStatistics();
            writer.WriteLine();
            writer.WriteLine(string.Create(c, $"[{s.MethodName}]"));
            writer.WriteLine(string.Create(c, $"  state: {StateName(s.State)}"));
            writer.WriteLine(string.Create(c, $"  calls: {s.Calls}"));
            writer.WriteLine(string.Create(c, $"  l2_hits: {s.L2Hits}"));
            writer.WriteLine(string.Create(c, $"  l3_hits: {s.L3Hits}"));
            writer.WriteLine(string.Create(c, $"  misses: {s.Misses}"));
            writer.WriteLine(string.Create(c, $"  learning_calls: {s.LearningCalls}"));
            writer.WriteLine(string.Create(c, $"  uncacheable: {s.Uncacheable}"));
            writer.WriteLine(string.Create(c, $"  inserts: {s.Inserts}"));
            writer.WriteLine(string.Create(c, $"  evictions: {s.Evictions}"));
            writer.WriteLine(string.Create(c, $"  bytes: {s.Bytes}"));
            writer.WriteLine(string.Create(c, $"  body_ns: {s.BodyNanoseconds:0.0}"));
            writer.WriteLine(string.Create(c, $"  invalidations: {s.Invalidations}"));
            writer.WriteLine(string.Create(c, $"  confirmations: {s.Confirmations}"));
            writer.WriteLine(string.Create(c, $"  hit_rate: {s.HitRate:0.0000}"));
        }
    }

    internal static string StateName(LearningState state) => state switch
    {
        LearningState.Learning => "learning",
        LearningState.Serving => "serving",
        LearningState.Unprofitable => "unprofitable",
        _ => "nondeterministic",
    };
}
