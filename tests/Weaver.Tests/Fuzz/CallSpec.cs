namespace Weaver.Tests.Fuzz;

/// <summary>
/// One generated call: a member, its receiver (instance members) and one producer per parameter. Its
/// <see cref="Key"/> is the line the regression file pins: <c>member-key | receiver | arg, arg, ...</c>.
/// </summary>
public sealed record CallSpec(Member Member, Producer? Receiver, IReadOnlyList<Producer> Args)
{
    public const char Separator = '|';

    public string Key => Member.Key + " " + Separator + " " + (Receiver?.Name ?? "-") + " " + Separator + " "
                         + string.Join(", ", Args.Select(a => a.Name));

    /// <summary>Whether any receiver or argument is protected memory.</summary>
    public bool ReachesProtected => Receiver?.Protected == true || Args.Any(a => a.Protected);

    public override string ToString() => Key;

    /// <summary>Reads a pinned call back against the current surface; null (and why) when it no longer resolves.</summary>
    public static (CallSpec? Spec, string? Error) Parse(string line, IReadOnlyDictionary<string, Member> surface)
    {
        var parts = line.Split(Separator);
        if (parts.Length != 3) return (null, "expected 'member | receiver | args': " + line);
        var key = parts[0].Trim();
        if (!surface.TryGetValue(key, out var member)) return (null, "member not on this framework's surface: " + key);
        Producer? receiver = null;
        var r = parts[1].Trim();
        if (r != "-" && (receiver = Fill.Receivers(member.On).FirstOrDefault(p => p.Name == r)) is null)
            return (null, "unknown receiver producer " + r + " for " + key);
        var names = parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length != member.Parameters.Length) return (null, "argument count differs for " + key);
        var args = new List<Producer>();
        for (int i = 0; i < names.Length; i++)
        {
            var a = Fill.Resolve(names[i], member.Parameters[i].ParameterType);
            if (a is null) return (null, "producer " + names[i] + " does not fit parameter " + i + " of " + key);
            args.Add(a);
        }
        return (new CallSpec(member, receiver, args), null);
    }
}
