namespace Weaver.Tests.Fuzz;

/// <summary>
/// Picks calls from the surface with a seeded PRNG: a type first (so that a type with a thousand intrinsic
/// overloads does not crowd out the rest), then one of its members, then a producer per slot, each slot protected
/// with probability one half when it can be, and at least one slot protected.
/// </summary>
public static class CallGenerator
{
    public static IReadOnlyList<CallSpec> Generate(IReadOnlyList<Member> surface, int seed, int count)
    {
        var random = new Random(seed);
        var groups = surface.GroupBy(m => m.On.FullName ?? m.On.Name, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        var calls = new List<CallSpec>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (int attempt = 0; calls.Count < count && attempt < count * 50; attempt++)
        {
            var group = groups[random.Next(groups.Count)];
            var spec = Pick(group[random.Next(group.Count)], random);
            // One call per member: N calls are N different members.
            if (spec is not null && spec.ReachesProtected && keys.Add(spec.Member.Key)) calls.Add(spec);
        }
        return calls;
    }

    private static CallSpec? Pick(Member m, Random random)
    {
        bool instance = m.Kind is MemberKind.Instance or MemberKind.Setter or MemberKind.IndexerSetter;
        var slots = new List<IReadOnlyList<Producer>>();
        if (instance) slots.Add([.. Fill.Receivers(m.On)]);
        slots.AddRange(m.Parameters.Select(p => Fill.For(p.ParameterType)));
        if (slots.Any(s => s.Count == 0)) return null;
        var chosen = slots.Select(s => Choose(s, random)).ToList();
        if (!chosen.Any(c => c.Protected))
        {
            var open = Enumerable.Range(0, slots.Count).Where(i => slots[i].Any(p => p.Protected)).ToList();
            if (open.Count == 0) return null;
            int slot = open[random.Next(open.Count)];
            var options = slots[slot].Where(p => p.Protected).ToList();
            chosen[slot] = options[random.Next(options.Count)];
        }
        return instance ? new CallSpec(m, chosen[0], chosen[1..]) : new CallSpec(m, null, chosen);
    }

    private static Producer Choose(IReadOnlyList<Producer> options, Random random)
    {
        var prot = options.Where(p => p.Protected).ToList();
        var benign = options.Where(p => !p.Protected).ToList();
        var from = prot.Count > 0 && (benign.Count == 0 || random.Next(2) == 0) ? prot : benign;
        return from[random.Next(from.Count)];
    }
}
