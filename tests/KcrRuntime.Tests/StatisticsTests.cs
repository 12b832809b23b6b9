using System.Diagnostics.Metrics;

namespace KcrRuntime.Tests;

/// <summary>The debugfs-style text dump and the KcrRuntime meter.</summary>
public sealed class StatisticsTests
{
    [Fact]
    public void DumpStats_lists_each_method_with_its_counters()
    {
        MemoTable<int> table = TestTables.Serving<int>("Dump");
        for (int i = 0; i < 3; i++)
        {
            TestTables.Call(table, (ref KeyBuilder k) => k.Add(1), () => 1);
        }

        var text = new StringWriter();
        Kcr.DumpStats(text);
        string dump = text.ToString();

        Assert.StartsWith("kcr: enabled=", dump);
        int start = dump.IndexOf($"[{table.MethodName}]", StringComparison.Ordinal);
        Assert.True(start >= 0, dump);
        int end = dump.IndexOf("\n[", start + 1, StringComparison.Ordinal);
        string block = end < 0 ? dump[start..] : dump[start..end];
        Assert.Contains("state: serving", block);
        Assert.Contains("calls: 3", block);
        Assert.Contains("l2_hits: 2", block);
        Assert.Contains("misses: 1", block);
        Assert.Contains("inserts: 1", block);
        Assert.Contains("hit_rate: 0.6667", block);
    }

    [Fact]
    public void Meter_instruments_report_per_method_counters()
    {
        MemoTable<int> table = TestTables.Serving<int>("Meter");
        for (int i = 0; i < 5; i++)
        {
            TestTables.Call(table, (ref KeyBuilder k) => k.Add(2), () => 4);
        }

        table.Invalidate();
        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Kcr.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "kcr.method" && Equals(tag.Value, table.MethodName))
                {
                    lock (seen)
                    {
                        seen[instrument.Name] = value;
                    }
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal(5, seen["kcr.calls"]);
        Assert.Equal(4, seen["kcr.l2_hits"]);
        Assert.Equal(0, seen["kcr.l3_hits"]);
        Assert.Equal(1, seen["kcr.misses"]);
        Assert.Equal(1, seen["kcr.invalidations"]);
        Assert.Equal(0, seen["kcr.uncacheable"]);
        Assert.Equal(0, seen["kcr.evictions"]);
        Assert.Equal((long)LearningState.Serving, seen["kcr.learning_state"]);
    }

    [Fact]
    public void Registered_tables_are_listed_and_can_be_unregistered()
    {
        MemoTable<int> table = TestTables.Serving<int>("Listed");
        Assert.Contains(table, Kcr.Tables);
        Assert.True(Kcr.Unregister(table));
        Assert.DoesNotContain(table, Kcr.Tables);
        Assert.False(Kcr.Unregister(table));
    }
}
