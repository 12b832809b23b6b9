using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KcrRuntime;

/// <summary>
/// Which memo tables paid in a run, written for the next weave (<c>weaver weave --memoize auto --memoize-profile
/// p.json</c>), like a profile for profile-guided optimisation. A host captures it after a representative workload
/// (<see cref="Capture"/>, then <see cref="Save"/>); <c>weaver stats --profile-out</c> does the same around a driver.
/// </summary>
/// <remarks>
/// Format (<c>kcr-profile/1</c>): <c>{"format":"kcr-profile/1","workload":{...}?,"tables":[{"method","state","calls",
/// "hits","misses","learningCalls","hitRate","bodyNanoseconds"?,"savedNanoseconds"?,"paid"}]}</c>. A table <em>paid</em>
/// when it served hits at a useful rate and ended the run serving (not learning, nondeterministic or measured
/// unprofitable by the runtime); when the workload was also timed without KCR, that timing is recorded.
/// </remarks>
public sealed class KcrProfile
{
    /// <summary>The format tag written and required on load.</summary>
    public const string Format = "kcr-profile/1";

    /// <summary>Hit rate below which a serving table is counted as not paying: most calls paid the miss path.</summary>
    public const double MinimumPayingHitRate = 0.2;

    /// <summary>
    /// Body time a table must save per call (hit rate × measured body) to count as paying: about what a call through
    /// the memo costs (the hit path measured in bench/results), so a table whose body is cheaper than that did not pay.
    /// </summary>
    public const double MinimumSavingPerCallNanoseconds = 30;

    /// <summary>Creates a profile from entries (normally through <see cref="Capture"/> or <see cref="Load"/>).</summary>
    /// <param name="tables">One entry per table.</param>
    /// <param name="workload">The timed workload, or null.</param>
    public KcrProfile(IReadOnlyList<KcrProfileEntry> tables, KcrWorkloadTiming? workload = null)
    {
        ArgumentNullException.ThrowIfNull(tables);
        Tables = tables;
        Workload = workload;
    }

    /// <summary>One entry per memo table, in registration order.</summary>
    public IReadOnlyList<KcrProfileEntry> Tables { get; }

    /// <summary>The timed workload (with and without KCR), or null when it was not timed.</summary>
    public KcrWorkloadTiming? Workload { get; }

    /// <summary>The entry for a table name, or null.</summary>
    /// <param name="methodName">The table's registered name.</param>
    /// <returns>The last entry of that name.</returns>
    public KcrProfileEntry? Find(string methodName) => Tables.LastOrDefault(t => string.Equals(t.Method, methodName, StringComparison.Ordinal));

    /// <summary>The statistics of every registered table now, as a profile.</summary>
    /// <param name="workload">The workload's timing, when the caller measured it.</param>
    /// <returns>The profile.</returns>
    public static KcrProfile Capture(KcrWorkloadTiming? workload = null)
    {
        var entries = new List<KcrProfileEntry>();
        foreach (MemoTable table in TableRegistry.Snapshot)
        {
            MemoStatistics s = table.GetStatistics();
            bool paid = s.State == LearningState.Serving && s.Hits > 0 && s.HitRate >= MinimumPayingHitRate
                        && (s.BodyNanoseconds <= 0 || s.HitRate * s.BodyNanoseconds >= MinimumSavingPerCallNanoseconds);
            double? body = s.BodyNanoseconds > 0 ? s.BodyNanoseconds : null;
            entries.Add(new KcrProfileEntry(s.MethodName, StatsWriter.StateName(s.State), s.Calls, s.Hits, s.Misses,
                s.LearningCalls, s.HitRate, body * s.Hits, paid) { BodyNanoseconds = body });
        }
        return new KcrProfile(entries, workload);
    }

    /// <summary>Writes the profile as JSON to a temporary file beside <paramref name="path"/>, then moves it into place.</summary>
    /// <param name="path">The profile file.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var tables = new JsonArray();
        foreach (KcrProfileEntry t in Tables)
        {
            var node = new JsonObject
            {
                ["method"] = t.Method, ["state"] = t.State, ["calls"] = t.Calls, ["hits"] = t.Hits, ["misses"] = t.Misses,
                ["learningCalls"] = t.LearningCalls, ["hitRate"] = Math.Round(t.HitRate, 6), ["paid"] = t.Paid,
            };
            if (t.BodyNanoseconds is { } body) node["bodyNanoseconds"] = Math.Round(body, 1);
            if (t.SavedNanoseconds is { } saved) node["savedNanoseconds"] = Math.Round(saved, 1);
            tables.Add(node);
        }
        var root = new JsonObject { ["format"] = Format };
        if (Workload is { } w)
            root["workload"] = new JsonObject
            {
                ["method"] = w.Method, ["repeat"] = w.Repeat, ["withoutKcrNanoseconds"] = Math.Round(w.WithoutKcrNanoseconds),
                ["withKcrNanoseconds"] = Math.Round(w.WithKcrNanoseconds), ["speedup"] = Math.Round(w.Speedup, 4),
            };
        root["tables"] = tables;
        var full = Path.GetFullPath(path);
        var temporary = full + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
        File.WriteAllText(temporary, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>Reads a profile written by <see cref="Save"/>.</summary>
    /// <param name="path">The profile file.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="FormatException">The file is not a <c>kcr-profile/1</c> profile; the message names what is wrong.</exception>
    public static KcrProfile Load(string path)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new FormatException($"{path}: not JSON ({e.Message})", e); }
        if (root is not JsonObject o || (string?)o["format"] != Format)
            throw new FormatException($"{path}: not a KCR profile (expected \"format\": \"{Format}\")");
        if (o["tables"] is not JsonArray array) throw new FormatException($"{path}: no \"tables\" array");
        var entries = new List<KcrProfileEntry>();
        for (int i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject t || t["method"]?.GetValue<string>() is not { Length: > 0 } method)
                throw new FormatException($"{path}: tables[{i}] has no \"method\"");
            try
            {
                entries.Add(new KcrProfileEntry(method, (string?)t["state"] ?? "serving", Long(t, "calls"), Long(t, "hits"),
                    Long(t, "misses"), Long(t, "learningCalls"), (double?)t["hitRate"] ?? 0, (double?)t["savedNanoseconds"],
                    (bool?)t["paid"] ?? false) { BodyNanoseconds = (double?)t["bodyNanoseconds"] });
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                throw new FormatException($"{path}: tables[{i}] ({method}): {e.Message}", e);
            }
        }
        KcrWorkloadTiming? workload = null;
        if (o["workload"] is JsonObject w)
            workload = new KcrWorkloadTiming((string?)w["method"] ?? "", (int?)w["repeat"] ?? 0,
                (double?)w["withoutKcrNanoseconds"] ?? 0, (double?)w["withKcrNanoseconds"] ?? 0);
        return new KcrProfile(entries, workload);
    }

    private static long Long(JsonObject o, string name) => (long?)o[name] ?? 0;
}

/// <summary>One table of a <see cref="KcrProfile"/>.</summary>
/// <param name="method">The table's name, <c>Ns.Type::Method(System.Byte[])</c>.</param>
/// <param name="state">Its state at the end of the run: learning, serving, nondeterministic or unprofitable.</param>
/// <param name="calls">Calls counted.</param>
/// <param name="hits">Calls served from the cache.</param>
/// <param name="misses">Calls that ran the original while serving.</param>
/// <param name="learningCalls">Calls that ran the original while learning.</param>
/// <param name="hitRate">Hits over calls.</param>
/// <param name="savedNanoseconds">Body time the hits did not spend (hits × the measured body duration), when measured;
/// gross of the hits' own cost.</param>
/// <param name="paid">Whether the table paid: it served hits at a useful rate and ended serving.</param>
public sealed class KcrProfileEntry(string method, string state, long calls, long hits, long misses, long learningCalls,
    double hitRate, double? savedNanoseconds, bool paid)
{
    /// <summary>The table's name.</summary>
    public string Method { get; } = method;

    /// <summary>Its state at the end of the run.</summary>
    public string State { get; } = state;

    /// <summary>Calls counted.</summary>
    public long Calls { get; } = calls;

    /// <summary>Calls served from the cache.</summary>
    public long Hits { get; } = hits;

    /// <summary>Calls that ran the original while serving.</summary>
    public long Misses { get; } = misses;

    /// <summary>Calls that ran the original while learning.</summary>
    public long LearningCalls { get; } = learningCalls;

    /// <summary>Hits over calls.</summary>
    public double HitRate { get; } = hitRate;

    /// <summary>Body time the hits did not spend (gross of the hits' own cost), or null when it was not measured.</summary>
    public double? SavedNanoseconds { get; } = savedNanoseconds;

    /// <summary>The mean measured duration of the original, or null when the runtime did not measure it.</summary>
    public double? BodyNanoseconds { get; init; }

    /// <summary>Whether the table paid.</summary>
    public bool Paid { get; } = paid;
}

/// <summary>A workload timed once without KCR and once with it.</summary>
/// <param name="method">The driver method, <c>Ns.Type::Method</c>.</param>
/// <param name="repeat">Calls of the driver per timing.</param>
/// <param name="withoutKcrNanoseconds">Elapsed time with KCR switched off.</param>
/// <param name="withKcrNanoseconds">Elapsed time with KCR on.</param>
public sealed class KcrWorkloadTiming(string method, int repeat, double withoutKcrNanoseconds, double withKcrNanoseconds)
{
    /// <summary>The driver method.</summary>
    public string Method { get; } = method;

    /// <summary>Calls of the driver per timing.</summary>
    public int Repeat { get; } = repeat;

    /// <summary>Elapsed time with KCR switched off.</summary>
    public double WithoutKcrNanoseconds { get; } = withoutKcrNanoseconds;

    /// <summary>Elapsed time with KCR on.</summary>
    public double WithKcrNanoseconds { get; } = withKcrNanoseconds;

    /// <summary>Without over with: above 1 when memoization made the workload faster.</summary>
    public double Speedup => WithKcrNanoseconds <= 0 ? 0 : WithoutKcrNanoseconds / WithKcrNanoseconds;
}
