using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace GuardRuntime;

/// <summary>
/// The guard's <see cref="System.Diagnostics.Metrics"/> instruments, on the meter <c>GuardRuntime</c>
/// (watch them with <c>dotnet-counters monitor --counters GuardRuntime -p PID</c>).
/// </summary>
/// <remarks>
/// Only checks that leave the fast path are counted: counting every store would cost more than the check itself.
/// A store whose target no rule can match is never counted.
/// </remarks>
public static class GuardMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "GuardRuntime";

    private static readonly Meter Meter = new(MeterName, "0.1.0");
    private static readonly Counter<long> SlowChecks = Meter.CreateCounter<long>("guard.slow_checks", "{check}",
        "Stores that needed more than the table look-up (instance, range or verdict checks).");
    private static readonly Counter<long> Violations = Meter.CreateCounter<long>("guard.violations", "{violation}",
        "Stores or calls that hit a non-allow rule, by module and action.");

    private static readonly Counter<long> PolicyLoads = Meter.CreateCounter<long>("guard.policy_loads", "{load}",
        "Policy installs and file loads, by outcome (ok, error).");

    static GuardMetrics()
    {
        Meter.CreateObservableGauge("guard.modules", () => ModuleRegistry.Modules.Length, "{module}", "Woven modules registered.");
        Meter.CreateObservableGauge("guard.quarantined_modules", () => ModuleRegistry.Modules.Count(m => m.IsQuarantined), "{module}",
            "Modules faulted by a quarantine verdict.");
    }

    private static readonly string[] ActionNames = ["allow", "audit", "throw", "quarantine", "halt"];

    internal static void SlowCheck(ModuleGuard module)
    {
        if (SlowChecks.Enabled) SlowChecks.Add(1, new KeyValuePair<string, object?>("module", module.Name));
    }

    internal static void Violation(ModuleGuard module, GuardAction action)
    {
        if (!Violations.Enabled) return;
        var tags = new TagList { { "module", module.Name }, { "action", ActionNames[(int)action] } };
        Violations.Add(1, tags);
    }

    internal static void PolicyLoad(bool ok)
    {
        if (PolicyLoads.Enabled) PolicyLoads.Add(1, new KeyValuePair<string, object?>("outcome", ok ? "ok" : "error"));
    }
}
