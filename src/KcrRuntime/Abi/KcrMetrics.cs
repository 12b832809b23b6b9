using System.Diagnostics.Metrics;

namespace KcrRuntime;

/// <summary>
/// Publishes every table's counters on the <c>KcrRuntime</c> meter. The instruments are
/// observable: they read the per-thread counters only when a listener collects, so the hot path
/// pays nothing for metrics. Each measurement carries the tag <c>kcr.method</c>.
/// </summary>
internal static class KcrMetrics
{
    internal const string MeterName = "KcrRuntime";
    internal const string MethodTag = "kcr.method";

    private static readonly object s_lock = new();
    private static Meter? s_meter;

    internal static void EnsureCreated()
    {
        if (Volatile.Read(ref s_meter) is not null)
        {
            return;
        }

        lock (s_lock)
        {
            if (s_meter is not null)
            {
                return;
            }

            var meter = new Meter(MeterName, typeof(KcrMetrics).Assembly.GetName().Version?.ToString());
            Counter(meter, "kcr.calls", "{call}", "Calls counted while the table served or learned.", s => s.Calls);
            Counter(meter, "kcr.l2_hits", "{call}", "Calls served from the per-thread L2.", s => s.L2Hits);
            Counter(meter, "kcr.l3_hits", "{call}", "Calls served from the shared L3.", s => s.L3Hits);
            Counter(meter, "kcr.misses", "{call}", "Serving calls that found no entry.", s => s.Misses);
            Counter(meter, "kcr.learning_calls", "{call}", "Calls computed while their key learned determinism.", s => s.LearningCalls);
            Counter(meter, "kcr.uncacheable", "{call}", "Calls over MaxKeyBytes or the byte budgets.", s => s.Uncacheable);
            Counter(meter, "kcr.evictions", "{entry}", "Live entries evicted (set conflict or byte budget).", s => s.Evictions);
            Counter(meter, "kcr.invalidations", "{invalidation}", "Table invalidations.", s => s.Invalidations);
            meter.CreateObservableGauge("kcr.learning_state", () => Observe(s => (long)s.State), "{state}",
                "0 = learning, 1 = serving, 2 = nondeterministic, 3 = unprofitable.");
            meter.CreateObservableGauge("kcr.bytes", () => Observe(s => s.Bytes), "By", "Estimated bytes of cached entries.");
            meter.CreateObservableGauge("kcr.body_ns", () => Observe(s => (long)s.BodyNanoseconds), "ns",
                "Measured mean duration of the original.");
            Volatile.Write(ref s_meter, meter);
        }
    }

    private static void Counter(Meter meter, string name, string unit, string description, Func<MemoStatistics, long> pick) =>
        meter.CreateObservableCounter(name, () => Observe(pick), unit, description);

    private static IEnumerable<Measurement<long>> Observe(Func<MemoStatistics, long> pick)
    {
        MemoTable[] tables = TableRegistry.Snapshot;
        var measurements = new Measurement<long>[tables.Length];
        for (int i = 0; i < tables.Length; i++)
        {
            measurements[i] = new Measurement<long>(pick(tables[i].GetStatistics()), new KeyValuePair<string, object?>(MethodTag, tables[i].MethodName));
        }

        return measurements;
    }
}
