using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;
using Perfolizer.Metrology;

namespace Weaver.Benchmarks;

/// <summary>
/// Entry point: BenchmarkDotNet's switcher (pass <c>--filter '*'</c>, <c>--job short</c>, <c>--artifacts dir</c>...), or
/// <c>interleaved</c> (driver overhead in one process), <c>count</c> (one variant for cachegrind), <c>verifier</c>
/// (load-time verification throughput, bench/results/verifier.md) and <c>suggest</c> (what automatic memoization
/// finds and gains on real assemblies, bench/results/suggest.md).
/// </summary>
public static class Program
{
    /// <summary>Runs the selected benchmarks.</summary>
    public static int Main(string[] args)
    {
        // Two measurements that BenchmarkDotNet's separate-process jobs cannot make (see their classes).
        if (args is ["interleaved", ..]) return Driver.InterleavedOverhead.Run(args);
        if (args is ["count", ..]) return Driver.InstructionCountRun.Run(args);
        if (args is ["verifier", ..]) return Verification.VerifierThroughput.Run(args);
        if (args is ["kcr", ..]) return Kcr.KcrInterleaved.Run(args);
        if (args is ["suggest", ..]) return Suggest.SuggestEvaluation.Run(args);

        // CSV with plain numbers in fixed units (ns, bytes) so that bench/Charts can read them back.
        var csvStyle = new SummaryStyle(CultureInfo.InvariantCulture, printUnitsInHeader: true, sizeUnit: SizeUnit.B,
            timeUnit: TimeUnit.Nanosecond, printUnitsInContent: false, printZeroValuesInContent: true);
        // DefaultConfig's own exporters (markdown, CSV with units in the cells, HTML) are replaced by these two.
        var defaults = DefaultConfig.Instance;
        var config = ManualConfig.CreateEmpty()
            .AddColumnProvider(defaults.GetColumnProviders().ToArray())
            .AddLogger(defaults.GetLoggers().ToArray())
            .AddAnalyser(defaults.GetAnalysers().ToArray())
            .AddValidator(defaults.GetValidators().ToArray())
            .AddExporter(MarkdownExporter.GitHub, new CsvExporter(CsvSeparator.Comma, csvStyle))
            .AddColumn(StatisticColumn.Median)
            .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40))
            .WithOptions(ConfigOptions.DisableLogFile);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
    }
}
