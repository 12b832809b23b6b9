namespace GuardRuntime;

/// <summary>
/// Protected unmanaged address ranges compiled into sorted, disjoint intervals, each with one verdict, so that a
/// lookup is a binary search whatever the number of regions (the paper's guard scans every region).
/// </summary>
public sealed class AddressMap
{
    /// <summary>A map with no ranges.</summary>
    public static readonly AddressMap Empty = new([], [], []);

    private readonly nuint[] starts;
    private readonly nuint[] ends;
    private readonly Verdict[] verdicts;

    private AddressMap(nuint[] starts, nuint[] ends, Verdict[] verdicts)
    {
        this.starts = starts;
        this.ends = ends;
        this.verdicts = verdicts;
    }

    /// <summary>How many disjoint intervals the map holds after merging.</summary>
    public int Count => starts.Length;

    /// <summary>The intervals in address order, for <c>weaver policy show</c>.</summary>
    public IEnumerable<(nuint Start, nuint End, Verdict Verdict)> Intervals =>
        Enumerable.Range(0, starts.Length).Select(i => (starts[i], ends[i], verdicts[i]));

    /// <summary>
    /// Builds the map. Where ranges overlap, the stricter action wins (the order of <see cref="GuardAction"/>);
    /// touching intervals with the same verdict are merged.
    /// </summary>
    public static AddressMap Build(IEnumerable<(AddressRegion Region, Verdict Verdict)> ranges)
    {
        var list = ranges.Where(r => r.Verdict.Action != GuardAction.Allow || r.Verdict.Rule is not null).ToList();
        if (list.Count == 0) return Empty;
        var bounds = list.SelectMany(r => new[] { r.Region.Start, r.Region.End }).Distinct().Order().ToArray();
        var s = new List<nuint>();
        var e = new List<nuint>();
        var v = new List<Verdict>();
        // Sweep the elementary intervals between consecutive bounds; n regions give at most 2n bounds, and each
        // interval picks the strictest covering verdict (n is small at compile time, lookups stay logarithmic).
        var byStart = list.OrderBy(r => r.Region.Start).ToArray();
        for (int i = 0; i + 1 < bounds.Length; i++)
        {
            nuint lo = bounds[i], hi = bounds[i + 1];
            Verdict? best = null;
            foreach (var (region, verdict) in byStart)
            {
                if (region.Start > lo) break;
                if (region.End >= hi && (best is null || verdict.Action > best.Action)) best = verdict;
            }
            if (best is null) continue;
            if (e.Count > 0 && e[^1] == lo && ReferenceEquals(v[^1], best)) { e[^1] = hi; continue; }
            s.Add(lo); e.Add(hi); v.Add(best);
        }
        return new AddressMap([.. s], [.. e], [.. v]);
    }

    /// <summary>The strictest verdict of an interval that <c>[address, address + length)</c> touches, or null.</summary>
    public Verdict? Find(nuint address, nuint length, out nuint hitStart)
    {
        hitStart = 0;
        var last = address + (length == 0 ? 1 : length);
        if (last < address) last = nuint.MaxValue; // a length that wraps touches everything above address
        // Binary search for the last interval starting at or below address; it and the ones after it that start
        // before 'last' are the only candidates.
        int lo = 0, hi = starts.Length - 1, first = 0;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] <= address) { first = mid; lo = mid + 1; } else hi = mid - 1;
        }
        Verdict? best = null;
        for (int i = first; i < starts.Length && starts[i] < last; i++)
        {
            if (ends[i] <= address) continue;
            if (best is null || verdicts[i].Action > best.Action) { best = verdicts[i]; hitStart = starts[i]; }
        }
        return best;
    }
}
