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

/// <summary>Entry point: BenchmarkDotNet's switcher (pass <c>--filter '*'</c>, <c>--job short</c>, <c>--artifacts dir</c>...).</summary>
public static class Program
{
    /// <summary>Runs the selected benchmarks.</summary>
    public static int Main(string[] args)
    {
        // CSV with plain numbers in fixed units (ns, bytes) so that bench/Charts can read them back.
        var csvStyle = new SummaryStyle(CultureInfo.InvariantCulture, printUnitsInHeader: true, sizeUnit: SizeUnit.B,
            timeUnit: TimeUnit.Nanosecond, printUnitsInContent: false, printZeroValuesInContent: true);
        var config = DefaultConfig.Instance
            .AddExporter(MarkdownExporter.GitHub)
            .AddExporter(new CsvExporter(CsvSeparator.Comma, csvStyle))
            .AddColumn(StatisticColumn.Median)
            .WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile)
            .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40));
        // JoinSummary is handy for one report, but per-class files are what bench/Charts reads: run without it.
        config = config.WithOption(ConfigOptions.JoinSummary, false);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
    }
}
