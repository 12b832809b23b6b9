using System.Text;
using System.Text.Json;

namespace GuardRuntime;

/// <summary>The outcome of reading a policy file: the policy when it has no errors, and every diagnostic.</summary>
/// <param name="Policy">The policy, or null when <paramref name="Diagnostics"/> holds an error.</param>
/// <param name="Diagnostics">Errors and warnings, in file order.</param>
public sealed record PolicyReadResult(Policy? Policy, IReadOnlyList<PolicyDiagnostic> Diagnostics)
{
    /// <summary>Whether any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == PolicySeverity.Error);
}

/// <summary>
/// Reads policy files: JSON with comments and trailing commas allowed (format in docs/policy.md, schema in
/// docs/policy.schema.json). Every problem is reported with its line and column.
/// </summary>
public static class PolicyFile
{
    /// <summary>The policy format version this runtime reads (the optional top-level <c>version</c>).</summary>
    public const int CurrentVersion = 1;

    /// <summary>Parses a policy; throws <see cref="PolicyException"/> with every diagnostic when it has an error.</summary>
    /// <param name="json">The policy text.</param>
    /// <param name="path">The file the text came from, used in diagnostics and violation reports (may be null).</param>
    public static Policy Parse(string json, string? path = null)
    {
        var result = Read(json, path);
        if (result.HasErrors || result.Policy is null) throw new PolicyException(result.Diagnostics);
        return result.Policy;
    }

    /// <summary>Reads and parses a policy file; throws <see cref="PolicyException"/> when it cannot be read or has an error.</summary>
    public static Policy Load(string path)
    {
        var result = ReadFile(path);
        if (result.HasErrors || result.Policy is null) throw new PolicyException(result.Diagnostics);
        return result.Policy;
    }

    /// <summary>Reads a policy file and returns the policy (when it has no error) with every diagnostic; never throws for a bad file.</summary>
    public static PolicyReadResult ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return new(null, [new PolicyDiagnostic(PolicyCodes.Unreadable, PolicySeverity.Error,
                $"The policy file cannot be read: {e.Message}", path, 0, 0)]);
        }
        return Read(text, path);
    }

    /// <summary>Parses a policy and returns it (when it has no error) with every diagnostic; never throws for bad text.</summary>
    public static PolicyReadResult Read(string json, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new Reader(json, path).Run();
    }

    private sealed class Node
    {
        public JsonTokenType Kind;
        public int Line, Column;
        public string? Text;
        public List<(string Key, int Line, int Column, Node Value)>? Properties;
        public List<Node>? Items;

        public string Describe() => Kind switch
        {
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "an array",
            JsonTokenType.String => "a string",
            JsonTokenType.Number => "a number",
            JsonTokenType.True or JsonTokenType.False => "a boolean",
            _ => "null",
        };
    }

    private sealed class Reader(string json, string? path)
    {
        private readonly byte[] utf8 = Encoding.UTF8.GetBytes(json);
        private readonly List<PolicyDiagnostic> diagnostics = [];
        private int[] lineStarts = [];

        public PolicyReadResult Run()
        {
            lineStarts = LineStarts(utf8);
            Node root;
            try
            {
                var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
                {
                    CommentHandling = JsonCommentHandling.Skip,
                    AllowTrailingCommas = true,
                    MaxDepth = 64,
                });
                if (!reader.Read())
                {
                    Error(PolicyCodes.MalformedJson, "The policy file is empty; expected a JSON object.", 1, 1);
                    return Done(null);
                }
                root = ReadValue(ref reader);
                if (reader.Read()) // a second top-level value; the reader normally throws before we get here
                {
                    var (l, c) = Position(reader.TokenStartIndex);
                    Error(PolicyCodes.MalformedJson, "Unexpected content after the policy object.", l, c);
                    return Done(null);
                }
            }
            catch (JsonException e)
            {
                var line = (int)(e.LineNumber ?? 0);
                var column = ColumnOfByte(line, (int)(e.BytePositionInLine ?? 0));
                Error(PolicyCodes.MalformedJson, $"The policy is not valid JSON: {StripPosition(e.Message)}", line + 1, column);
                return Done(null);
            }
            return Done(Build(root));
        }

        private PolicyReadResult Done(Policy? policy)
        {
            var ordered = diagnostics.OrderBy(d => d.Line).ThenBy(d => d.Column).ToList();
            return new(ordered.Any(d => d.Severity == PolicySeverity.Error) ? null : policy, ordered);
        }

        private Node ReadValue(ref Utf8JsonReader reader)
        {
            var (line, column) = Position(reader.TokenStartIndex);
            var node = new Node { Kind = reader.TokenType, Line = line, Column = column };
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    node.Properties = [];
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                    {
                        var (kl, kc) = Position(reader.TokenStartIndex);
                        var key = reader.GetString()!;
                        reader.Read();
                        node.Properties.Add((key, kl, kc, ReadValue(ref reader)));
                    }
                    break;
                case JsonTokenType.StartArray:
                    node.Items = [];
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) node.Items.Add(ReadValue(ref reader));
                    break;
                case JsonTokenType.String:
                    node.Text = reader.GetString();
                    break;
                default:
                    node.Text = Encoding.UTF8.GetString(reader.ValueSpan);
                    break;
            }
            return node;
        }

        // ---- the policy model ----

        private Policy Build(Node root)
        {
            if (!Expect(root, JsonTokenType.StartObject, "the policy")) return new Policy { Source = path };
            PolicySection? defaults = null;
            Node? defaultNode = null;
            var modules = new List<(ModuleSection Section, bool HasDefaultAction)>();
            foreach (var (key, line, column, value) in Properties(root, "the policy"))
            {
                switch (key)
                {
                    case "$schema":
                    case "description":
                        Expect(value, JsonTokenType.String, $"'{key}'");
                        break;
                    case "version":
                        if (Expect(value, JsonTokenType.Number, "'version'") && value.Text != CurrentVersion.ToString())
                            Error(PolicyCodes.UnsupportedVersion, $"Policy version {value.Text} is not supported; this runtime reads version {CurrentVersion}.", value);
                        break;
                    case "default":
                        defaultNode = value;
                        defaults = Section(value, "default", module: false, out _);
                        break;
                    case "modules":
                        ModuleSections(value, modules);
                        break;
                    default:
                        Unknown(key, line, column, "the policy", "'$schema', 'version', 'description', 'default', 'modules'");
                        break;
                }
            }
            defaults ??= new PolicySection();
            var seen = new Dictionary<string, ModuleSection>(StringComparer.Ordinal);
            var result = new List<ModuleSection>();
            foreach (var (section, hasDefaultAction) in modules)
            {
                if (seen.TryGetValue(section.Module, out var first))
                {
                    Error(PolicyCodes.DuplicateModule,
                        $"Module '{section.Module}' already has a section at line {first.Line}; merge the two sections.",
                        section.Line, section.Column);
                    continue;
                }
                seen.Add(section.Module, section);
                // A module section without its own default action inherits the default section's.
                result.Add(hasDefaultAction ? section : new ModuleSection
                {
                    Module = section.Module, Sha256 = section.Sha256, Line = section.Line, Column = section.Column,
                    Section = new PolicySection { DefaultAction = defaults.DefaultAction, Rules = section.Section.Rules },
                });
            }
            _ = defaultNode;
            return new Policy { Default = defaults, Modules = result, Source = path };
        }

        private void ModuleSections(Node value, List<(ModuleSection, bool)> modules)
        {
            if (value.Kind == JsonTokenType.StartArray)
            {
                foreach (var item in value.Items!)
                    if (ModuleSectionOf(item, null, item.Line, item.Column) is { } m) modules.Add(m);
            }
            else if (value.Kind == JsonTokenType.StartObject)
            {
                foreach (var (key, line, column, item) in Properties(value, "'modules'"))
                    if (ModuleSectionOf(item, key, line, column) is { } m) modules.Add(m);
            }
            else
            {
                Error(PolicyCodes.WrongType, $"'modules' must be an array of module sections or an object keyed by module name, not {value.Describe()}.", value);
            }
        }

        private (ModuleSection, bool)? ModuleSectionOf(Node node, string? keyName, int line, int column)
        {
            if (!Expect(node, JsonTokenType.StartObject, "a module section")) return null;
            string? name = keyName;
            string? sha = null;
            bool nameOk = keyName is not null;
            if (keyName is not null && !IsModuleName(keyName))
            {
                Error(PolicyCodes.BadPattern, $"'{keyName}' is not an assembly simple name.", line, column);
                nameOk = false;
            }
            foreach (var (key, kl, kc, value) in node.Properties!)
            {
                if (key == "module" && keyName is null)
                {
                    if (!Expect(value, JsonTokenType.String, "'module'")) continue;
                    name = value.Text!;
                    nameOk = IsModuleName(name);
                    if (!nameOk) Error(PolicyCodes.BadPattern, $"'{name}' is not an assembly simple name.", value);
                }
                else if (key == "sha256")
                {
                    if (!Expect(value, JsonTokenType.String, "'sha256'")) continue;
                    if (value.Text!.Length != 64 || !value.Text.All(Uri.IsHexDigit))
                        Error(PolicyCodes.BadSha256, $"'sha256' must be 64 hexadecimal digits (the SHA-256 of the module file), not '{value.Text}'.", value);
                    else sha = value.Text.ToLowerInvariant();
                }
            }
            var displayName = name ?? "(unnamed)";
            var section = Section(node, displayName, module: true, out bool hasDefaultAction, allowModuleKey: keyName is null);
            if (name is null)
            {
                Error(PolicyCodes.MissingKey, "A module section needs 'module', the assembly simple name it applies to.", node);
                return null;
            }
            if (!nameOk) return null;
            return (new ModuleSection { Module = name, Sha256 = sha, Section = section, Line = line, Column = column }, hasDefaultAction);
        }

        private PolicySection Section(Node node, string sectionName, bool module, out bool hasDefaultAction, bool allowModuleKey = false)
        {
            hasDefaultAction = false;
            var section = new PolicySection();
            if (!Expect(node, JsonTokenType.StartObject, sectionName == "default" ? "'default'" : "a module section")) return section;
            var action = GuardAction.Allow;
            var rules = new List<PolicyRule>();
            foreach (var (key, line, column, value) in Properties(node, sectionName == "default" ? "'default'" : $"module section '{sectionName}'"))
            {
                switch (key)
                {
                    case "defaultAction":
                        hasDefaultAction = true;
                        if (ActionOf(value) is { } a) action = a;
                        break;
                    case "rules":
                        if (!Expect(value, JsonTokenType.StartArray, "'rules'")) break;
                        foreach (var item in value.Items!)
                            if (Rule(item, sectionName) is { } rule) rules.Add(rule);
                        break;
                    case "description":
                        Expect(value, JsonTokenType.String, "'description'");
                        break;
                    case "module" when module && allowModuleKey:
                    case "sha256" when module:
                        break; // read by ModuleSectionOf
                    default:
                        Unknown(key, line, column, sectionName == "default" ? "'default'" : "a module section",
                            module ? (allowModuleKey ? "'module', " : "") + "'sha256', 'defaultAction', 'rules', 'description'" : "'defaultAction', 'rules', 'description'");
                        break;
                }
            }
            Contradictions(rules);
            return new PolicySection { DefaultAction = action, Rules = rules };
        }

        private PolicyRule? Rule(Node node, string sectionName)
        {
            if (!Expect(node, JsonTokenType.StartObject, "a rule")) return null;
            (RuleSelector Selector, string Key, Node Value)? selector = null;
            GuardAction? action = null;
            bool actionSeen = false, broken = false;
            foreach (var (key, line, column, value) in Properties(node, "a rule"))
            {
                RuleSelector? s = key switch
                {
                    "field" => RuleSelector.Field,
                    "type" => RuleSelector.Type,
                    "namespace" => RuleSelector.Namespace,
                    "region" => RuleSelector.Region,
                    "call" => RuleSelector.Call,
                    _ => null,
                };
                if (s is { } sel)
                {
                    if (selector is { } first)
                    {
                        Error(PolicyCodes.TwoSelectors,
                            $"A rule names exactly one of 'field', 'type', 'namespace', 'region', 'call'; this one names '{first.Key}' and '{key}'.", line, column);
                        broken = true;
                        continue;
                    }
                    selector = (sel, key, value);
                    if (!Expect(value, JsonTokenType.String, $"'{key}'")) broken = true;
                    else if (PatternProblem(sel, value.Text!) is { } problem)
                    {
                        Error(PolicyCodes.BadPattern, problem, value);
                        broken = true;
                    }
                }
                else if (key == "action")
                {
                    actionSeen = true;
                    action = ActionOf(value);
                    if (action is null) broken = true;
                }
                else if (key is "description" or "comment")
                {
                    Expect(value, JsonTokenType.String, $"'{key}'");
                }
                else
                {
                    Unknown(key, line, column, "a rule", "'field', 'type', 'namespace', 'region', 'call', 'action', 'description'");
                    broken = true;
                }
            }
            if (selector is null)
            {
                Error(PolicyCodes.NoSelector, "A rule must name one of 'field', 'type', 'namespace', 'region', 'call'.", node);
                return null;
            }
            if (!actionSeen)
            {
                Error(PolicyCodes.MissingKey, "A rule needs an 'action': allow, audit, throw, quarantine or halt.", node);
                return null;
            }
            if (broken || action is null) return null;
            return new PolicyRule(selector.Value.Selector, selector.Value.Value.Text!, action.Value)
            {
                Line = node.Line, Column = node.Column, Section = sectionName,
            };
        }

        private void Contradictions(List<PolicyRule> rules)
        {
            var first = new Dictionary<(RuleSelector, string), PolicyRule>();
            foreach (var rule in rules)
            {
                if (!first.TryGetValue((rule.Selector, rule.Pattern), out var earlier))
                {
                    first.Add((rule.Selector, rule.Pattern), rule);
                    continue;
                }
                var what = $"{rule.Selector.ToString().ToLowerInvariant()} '{rule.Pattern}'";
                if (earlier.Action != rule.Action)
                    Error(PolicyCodes.ContradictoryRules,
                        $"This rule says {Name(rule.Action)} for {what}, but the rule at line {earlier.Line} of the same section says {Name(earlier.Action)}.",
                        rule.Line, rule.Column);
                else
                    Warning(PolicyCodes.DuplicateRule, $"This rule repeats the rule for {what} at line {earlier.Line}.", rule.Line, rule.Column);
            }
        }

        private GuardAction? ActionOf(Node value)
        {
            if (!Expect(value, JsonTokenType.String, "an action")) return null;
            if (TryParseAction(value.Text!, out var action)) return action;
            Error(PolicyCodes.UnknownAction, $"Unknown action '{value.Text}'; expected allow, audit, throw, quarantine or halt.", value);
            return null;
        }

        private IEnumerable<(string Key, int Line, int Column, Node Value)> Properties(Node obj, string where)
        {
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var p in obj.Properties!)
            {
                if (seen.TryGetValue(p.Key, out var firstLine))
                {
                    Error(PolicyCodes.DuplicateKey, $"'{p.Key}' appears twice in {where} (first at line {firstLine}).", p.Line, p.Column);
                    continue;
                }
                seen.Add(p.Key, p.Line);
                yield return p;
            }
        }

        private bool Expect(Node node, JsonTokenType kind, string what)
        {
            if (node.Kind == kind) return true;
            var expected = kind switch
            {
                JsonTokenType.StartObject => "an object",
                JsonTokenType.StartArray => "an array",
                JsonTokenType.Number => "a number",
                _ => "a string",
            };
            Error(PolicyCodes.WrongType, $"{Capitalize(what)} must be {expected}, not {node.Describe()}.", node);
            return false;
        }

        private void Unknown(string key, int line, int column, string where, string expected) =>
            Error(PolicyCodes.UnknownKey, $"Unknown key '{key}' in {where}; expected {expected}.", line, column);

        private void Error(string code, string message, Node node) => Error(code, message, node.Line, node.Column);

        private void Error(string code, string message, int line, int column) =>
            diagnostics.Add(new PolicyDiagnostic(code, PolicySeverity.Error, message, path, line, column));

        private void Warning(string code, string message, int line, int column) =>
            diagnostics.Add(new PolicyDiagnostic(code, PolicySeverity.Warning, message, path, line, column));

        // ---- positions ----

        private static int[] LineStarts(byte[] text)
        {
            var starts = new List<int> { 0 };
            for (int i = 0; i < text.Length; i++)
                if (text[i] == (byte)'\n') starts.Add(i + 1);
            return [.. starts];
        }

        private (int Line, int Column) Position(long byteOffset)
        {
            int offset = (int)byteOffset;
            int line = Array.BinarySearch(lineStarts, offset);
            if (line < 0) line = ~line - 1;
            return (line + 1, ColumnOfByte(line, offset - lineStarts[line]));
        }

        // 1-based character column of a byte offset within a 0-based line (UTF-8 continuation bytes do not count).
        private int ColumnOfByte(int line, int bytesIntoLine)
        {
            if ((uint)line >= (uint)lineStarts.Length) return bytesIntoLine + 1;
            int start = lineStarts[line], column = 1;
            for (int i = start; i < start + bytesIntoLine && i < utf8.Length; i++)
                if ((utf8[i] & 0xC0) != 0x80) column++;
            return column;
        }

        private static string StripPosition(string message)
        {
            int i = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            return (i >= 0 ? message[..i] : message).TrimEnd();
        }

        private static string Capitalize(string s) => s.Length == 0 || s[0] == '\'' ? s : char.ToUpperInvariant(s[0]) + s[1..];
    }

    // ---- patterns ----

    /// <summary>Parses an action name as written in policy files (<c>allow audit throw quarantine halt</c>, lower case).</summary>
    public static bool TryParseAction(string text, out GuardAction action)
    {
        switch (text)
        {
            case "allow": action = GuardAction.Allow; return true;
            case "audit": action = GuardAction.Audit; return true;
            case "throw": action = GuardAction.Throw; return true;
            case "quarantine": action = GuardAction.Quarantine; return true;
            case "halt": action = GuardAction.Halt; return true;
            default: action = default; return false;
        }
    }

    internal static string Name(GuardAction action) => action.ToString().ToLowerInvariant();

    /// <summary>Why <paramref name="pattern"/> is not a valid pattern for <paramref name="selector"/>, or null when it is.</summary>
    internal static string? PatternProblem(RuleSelector selector, string pattern)
    {
        if (pattern.Length == 0) return "The pattern is empty.";
        if (pattern != pattern.Trim()) return $"The pattern '{pattern}' has leading or trailing white space.";
        int sep = pattern.IndexOf("::", StringComparison.Ordinal);
        switch (selector)
        {
            case RuleSelector.Field:
            case RuleSelector.Call:
            {
                var kind = selector == RuleSelector.Field ? "field" : "call";
                var member = selector == RuleSelector.Field ? "Field" : "Method";
                if (sep < 0) return $"A {kind} pattern is 'Namespace.Type::{member}' (or 'Namespace.Type::*'); '{pattern}' has no '::'.";
                if (pattern.IndexOf("::", sep + 2, StringComparison.Ordinal) >= 0) return $"The {kind} pattern '{pattern}' has more than one '::'.";
                var type = pattern[..sep];
                var name = pattern[(sep + 2)..];
                if (!IsTypeName(type)) return $"'{type}' in '{pattern}' is not a type name (Namespace.Type, nested types Outer+Inner, generic definitions Box`1).";
                if (name != "*" && !IsMemberName(name, allowDots: selector == RuleSelector.Call))
                    return $"'{name}' in '{pattern}' is not a {kind} name or '*'.";
                return null;
            }
            case RuleSelector.Type:
                if (sep >= 0) return $"A type pattern names a type, not a member: '{pattern}' (use \"field\": \"{pattern}\").";
                return IsTypeName(pattern) ? null : $"'{pattern}' is not a type name (Namespace.Type, nested types Outer+Inner, generic definitions Box`1).";
            case RuleSelector.Namespace:
            {
                if (pattern == "*") return null;
                var ns = pattern.EndsWith(".*", StringComparison.Ordinal) ? pattern[..^2] : pattern;
                return ns.Split('.').All(p => IsMemberName(p, allowDots: false))
                    ? null
                    : $"'{pattern}' is not a namespace pattern ('Kernel', 'Kernel.Net', 'Kernel.*' or '*').";
            }
            case RuleSelector.Region:
                return pattern.Any(char.IsControl) ? $"The region name '{pattern}' contains control characters." : null;
            default:
                return null;
        }
    }

    private static bool IsTypeName(string type) =>
        type.Length > 0 && type.Split('.').All(part => part.Split('+').All(p => IsMemberName(p, allowDots: false)));

    private static bool IsMemberName(string name, bool allowDots) =>
        name.Length > 0 && name.All(c => char.IsLetterOrDigit(c) || c is '_' or '`' or '<' or '>' or '$' || (allowDots && c == '.'));

    private static bool IsModuleName(string name) =>
        name.Length > 0 && name == name.Trim() && name.IndexOfAny(['/', '\\', ':', '*', '?', '"', '<', '>', '|']) < 0;
}
