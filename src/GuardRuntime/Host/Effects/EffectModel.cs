using System.Text.RegularExpressions;

namespace GuardRuntime.Effects;

/// <summary>
/// The effect model of the framework surface a module may call, shipped as data (<c>framework-effects.txt</c>, embedded
/// in this assembly) so that the weaver and the load-time verifier read the same reviewed classes. A member no rule
/// matches is unclassified: the weaver checks it as a write of everything it receives, or refuses it.
/// </summary>
/// <remarks>
/// Line format: <c>class type-pattern member-pattern [extent...] [| reason]</c>, a line starting with <c>#</c> is a comment. Classes:
/// <c>readonly</c>, <c>callsback</c>, <c>writes-this</c>, <c>writes</c>, <c>reflective</c>, <c>refused</c>,
/// <c>frees</c>; the flag <c>reads-pointers</c> vouches that pointer parameters are only read. Extents
/// (parameter indices from 0, <c>this</c> for the receiver): <c>array:D</c>, <c>array:D@S</c>, <c>array:D@S#C</c>
/// (<c>_</c> for a start of 0), <c>span:D</c>, <c>ptr:D*N</c>, <c>ptr:D#C*N</c>, <c>ptr:D@S*N</c>, <c>ptr:D:T</c>
/// (sizeof the first generic argument), <c>ptr:D#C*T</c> (C elements of the declaring type's first generic argument), <c>vector:D</c>, <c>vector:D@E</c>, <c>object:D</c>.
/// </remarks>
internal sealed partial class EffectModel
{
    /// <summary>The name of the embedded model.</summary>
    public const string ResourceName = "GuardRuntime.Effects.framework-effects.txt";

    private static readonly Lazy<EffectModel> Shared = new(() =>
    {
        using var stream = typeof(EffectModel).Assembly.GetManifestResourceStream(ResourceName)
                           ?? throw new InvalidOperationException($"The effect model resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    });

    private readonly Dictionary<string, List<EffectRule>> exactTypes;
    private readonly List<EffectRule> typePrefixes;

    private EffectModel(IReadOnlyList<EffectRule> rules)
    {
        Rules = rules;
        exactTypes = rules.Where(r => !r.TypePattern.EndsWith('*')).GroupBy(r => r.TypePattern)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        typePrefixes = rules.Where(r => r.TypePattern.EndsWith('*')).ToList();
    }

    /// <summary>The framework's model as shipped with this runtime.</summary>
    public static EffectModel Framework => Shared.Value;

    /// <summary>Every rule, in file order.</summary>
    public IReadOnlyList<EffectRule> Rules { get; }

    /// <summary>
    /// The most specific rule for member <paramref name="member"/> of <paramref name="type"/> (reflection-style name of
    /// the generic definition) with parameter list <paramref name="parameters"/> (Cecil full names of the definition's
    /// parameter types, comma-separated, no spaces), or null when the member is unclassified. At equal specificity the
    /// later line wins.
    /// </summary>
    public EffectRule? Classify(string type, string member, string parameters)
    {
        EffectRule? best = null;
        int bestScore = 0;
        void Consider(EffectRule rule)
        {
            int score = rule.Score(type, member, parameters);
            if (score > 0 && (score > bestScore || score == bestScore && rule.Line > best!.Line)) { best = rule; bestScore = score; }
        }
        if (exactTypes.TryGetValue(type, out var own)) foreach (var rule in own) Consider(rule);
        foreach (var rule in typePrefixes) Consider(rule);
        return best;
    }

    /// <summary>Parses a model; throws <see cref="FormatException"/> naming the line of the first malformed rule.</summary>
    public static EffectModel Parse(string text)
    {
        var rules = new List<EffectRule>();
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.TrimStart().StartsWith('#')) continue; // whole-line comments: '#' also spells an extent's count
            string? reason = null;
            var bar = line.IndexOf('|');
            if (bar >= 0) { reason = line[(bar + 1)..].Trim(); line = line[..bar]; }
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            if (parts.Length < 3) throw new FormatException($"framework-effects.txt({i + 1}): expected 'class type member'.");
            var cls = parts[0] switch
            {
                "readonly" => EffectClass.ReadOnly,
                "callsback" => EffectClass.CallsBack,
                "writes-this" => EffectClass.WritesReceiver,
                "writes" => EffectClass.WritesArguments,
                "reflective" => EffectClass.Reflective,
                "frees" => EffectClass.FreesOrReallocates,
                "refused" => EffectClass.Refused,
                _ => throw new FormatException($"framework-effects.txt({i + 1}): unknown class '{parts[0]}'."),
            };
            bool readsPointers = parts.Skip(3).Contains("reads-pointers");
            var extents = parts.Skip(3).Where(p => p != "reads-pointers").Select(p => ParseExtent(p, i + 1)).ToList();
            if (cls == EffectClass.WritesArguments && extents.Count == 0)
                throw new FormatException($"framework-effects.txt({i + 1}): 'writes' needs at least one extent.");
            if (cls is not (EffectClass.WritesArguments or EffectClass.FreesOrReallocates) && extents.Count > 0)
                throw new FormatException($"framework-effects.txt({i + 1}): only 'writes' and 'frees' take extents.");
            if (cls is EffectClass.Reflective or EffectClass.Refused or EffectClass.FreesOrReallocates && string.IsNullOrEmpty(reason))
                throw new FormatException($"framework-effects.txt({i + 1}): a refusing class needs '| reason'.");
            rules.Add(new EffectRule(cls, parts[1], parts[2], extents, reason, i + 1) { ReadsPointers = readsPointers });
        }
        return new EffectModel(rules);
    }

    private static EffectExtent ParseExtent(string token, int line)
    {
        var m = ExtentSyntax().Match(token);
        if (!m.Success) throw new FormatException($"framework-effects.txt({line}): bad extent '{token}'.");
        int Arg(string group) => m.Groups[group].Success ? (m.Groups[group].Value == "_" ? -1 : int.Parse(m.Groups[group].Value)) : -1;
        int dest = m.Groups["dest"].Value switch
        {
            "this" => EffectExtent.This,
            "*" => EffectExtent.FirstPointer,
            var d => int.Parse(d),
        };
        int scale = !m.Groups["scale"].Success ? 1
            : m.Groups["scale"].Value == "T" ? EffectExtent.SizeOfTypeArgument : int.Parse(m.Groups["scale"].Value);
        var kind = m.Groups["kind"].Value switch
        {
            "array" => ExtentKind.Array,
            "span" => ExtentKind.Span,
            "ptr" when m.Groups["t"].Success => ExtentKind.PointerSizeOfT,
            "ptr" => ExtentKind.Pointer,
            "vector" => ExtentKind.Vector,
            _ => ExtentKind.Object,
        };
        if (kind == ExtentKind.Pointer && !m.Groups["scale"].Success)
            throw new FormatException($"framework-effects.txt({line}): a pointer extent needs '*bytes'.");
        return new EffectExtent(kind, dest, Arg("start"), Arg("count"), scale);
    }

    [GeneratedRegex(@"^(?<kind>array|span|ptr|vector|object):(?<dest>this|\*|\d+)(@(?<start>\d+|_))?(#(?<count>\d+))?(\*(?<scale>\d+|T))?(?<t>:T)?$")]
    private static partial Regex ExtentSyntax();
}
