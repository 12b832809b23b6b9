namespace Weaver.Engine.Pipeline;

/// <summary>Parses the guard kinds users write (<c>--guards</c>, <c>&lt;WeaverGuards&gt;</c>): all, none, or a list of fields, statics, arrays, indirect.</summary>
public static class GuardKindsParser
{
    /// <summary>Parses <paramref name="text"/> (comma- or semicolon-separated; empty means all); <paramref name="bad"/> names the first unknown word.</summary>
    public static bool TryParse(string? text, out GuardKinds kinds, out string? bad)
    {
        bad = null;
        if (string.IsNullOrWhiteSpace(text)) { kinds = GuardKinds.All; return true; }
        kinds = GuardKinds.None;
        foreach (var part in text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            GuardKinds? kind = part.ToLowerInvariant() switch
            {
                "all" => GuardKinds.All,
                "none" => GuardKinds.None,
                "fields" => GuardKinds.Fields,
                "statics" => GuardKinds.Statics,
                "arrays" => GuardKinds.Arrays,
                "indirect" => GuardKinds.Indirect,
                _ => null,
            };
            if (kind is null) { bad = part; return false; }
            kinds |= kind.Value;
        }
        return true;
    }
}
