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
    /// Builds the map. Where ranges overlap, the stricter action wins (the order of <see cref="GuardAction"/>; at equal
    /// action the range listed first); touching intervals with the same verdict are merged. Allow verdicts that come
    /// from a rule are kept, so that a report can say which rule allowed a store; they lose to any stricter overlap.
    /// </summary>
    /// <remarks>A sweep over the sorted range ends: O(n log n) for n ranges, so 10,000 regions compile in milliseconds.</remarks>
    public static AddressMap Build(IEnumerable<(AddressRegion Region, Verdict Verdict)> ranges)
    {
        var list = ranges.Where(r => r.Verdict.Action != GuardAction.Allow || r.Verdict.Rule is not null)
            .Where(r => r.Region.Length > 0).ToList();
        if (list.Count == 0) return Empty;
        // Events: (position, +1 open / -1 close, range index). Closes sort before opens at the same position so that
        // touching ranges do not count as overlapping.
        var events = new (nuint At, int Delta, int Index)[list.Count * 2];
        for (int i = 0; i < list.Count; i++)
        {
            events[2 * i] = (list[i].Region.Start, +1, i);
            events[2 * i + 1] = (list[i].Region.End, -1, i);
        }
        Array.Sort(events, (x, y) => x.At != y.At ? x.At.CompareTo(y.At) : x.Delta.CompareTo(y.Delta));
        // One ordered set of open range indices per action: the strictest non-empty set decides, its first index wins.
        var open = new SortedSet<int>[(int)GuardAction.Halt + 1];
        for (int a = 0; a < open.Length; a++) open[a] = [];
        var s = new List<nuint>();
        var e = new List<nuint>();
        var v = new List<Verdict>();
        int k = 0;
        while (k < events.Length)
        {
            nuint at = events[k].At;
            for (; k < events.Length && events[k].At == at; k++)
            {
                var (_, delta, index) = events[k];
                var set = open[(int)list[index].Verdict.Action];
                if (delta > 0) set.Add(index); else set.Remove(index);
            }
            if (k == events.Length) break;
            nuint next = events[k].At;
            Verdict? best = null;
            for (int a = open.Length - 1; a >= 0 && best is null; a--)
                if (open[a].Count > 0) best = list[open[a].Min].Verdict;
            if (best is null) continue;
            if (e.Count > 0 && e[^1] == at && ReferenceEquals(v[^1], best)) { e[^1] = next; continue; }
            s.Add(at); e.Add(next); v.Add(best);
        }
        return new AddressMap([.. s], [.. e], [.. v]);
    }

    /// <summary>The strictest verdict of an interval that <c>[address, address + length)</c> touches, or null.</summary>
    public Verdict? Find(nuint address, nuint length, out nuint hitStart) => Find(address, length, out hitStart, out _);

    /// <summary>
    /// Like <see cref="Find(nuint, nuint, out nuint)"/>; <paramref name="inside"/> says whether the whole write lies
    /// inside one interval (so it cannot touch memory outside the registered ranges, such as the GC heap).
    /// </summary>
    internal Verdict? Find(nuint address, nuint length, out nuint hitStart, out bool inside)
    {
        hitStart = 0;
        inside = false;
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
        inside = starts.Length > 0 && starts[first] <= address && last <= ends[first];
        Verdict? best = null;
        for (int i = first; i < starts.Length && starts[i] < last; i++)
        {
            if (ends[i] <= address) continue;
            if (best is null || verdicts[i].Action > best.Action) { best = verdicts[i]; hitStart = starts[i]; }
        }
        return best;
    }
}
