using System.Text.Json;

namespace Weaver.Benchmarks;

/// <summary>
/// Facts measured once at setup that BenchmarkDotNet's tables cannot hold (dynamic guard calls per operation, weave
/// sizes, peak working set). Each benchmark process appends JSON lines to <c>$WEAVER_BENCH_INFO</c> (tools/bench.sh
/// points it into bench/results/raw); bench/Charts reads them to write SUMMARY.md. Also printed to the log.
/// </summary>
public static class BenchInfo
{
    private static readonly object Gate = new();

    /// <summary>Records <paramref name="value"/> under <paramref name="key"/> (last write wins when read back).</summary>
    public static void Put(string key, double value, string? note = null)
    {
        Console.WriteLine($"// [bench-info] {key} = {value:G6}{(note is null ? "" : "  (" + note + ")")}");
        var file = Environment.GetEnvironmentVariable("WEAVER_BENCH_INFO");
        if (string.IsNullOrEmpty(file)) return;
        var line = JsonSerializer.Serialize(new Dictionary<string, object?> { ["key"] = key, ["value"] = value, ["note"] = note });
        lock (Gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            File.AppendAllText(file, line + Environment.NewLine);
        }
    }

    /// <summary>Whether tools/bench.sh asked for the quick run (fewer parameters).</summary>
    public static bool Short => Environment.GetEnvironmentVariable("WEAVER_BENCH_SHORT") is "1" or "true";
}
