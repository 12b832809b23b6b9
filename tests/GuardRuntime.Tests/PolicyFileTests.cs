namespace GuardRuntime.Tests;

public sealed class PolicyFileTests
{
    private static string Lines(params string[] lines) => string.Join("\n", lines);

    private static PolicyDiagnostic SingleError(string json)
    {
        var e = Assert.Throws<PolicyException>(() => PolicyFile.Parse(json, "policy.json"));
        return Assert.Single(e.Diagnostics, d => d.Severity == PolicySeverity.Error);
    }

    private static void AssertError(string json, string code, int line, int column)
    {
        var d = SingleError(json);
        Assert.True((code, line, column) == (d.Code, d.Line, d.Column), $"expected {code}({line},{column}), got {d}");
    }

    [Fact]
    public void Parses_a_full_policy_with_comments_and_trailing_commas()
    {
        var policy = PolicyFile.Parse(Lines(
            "// e1000e policy",
            "{",
            "  \"$schema\": \"./policy.schema.json\",",
            "  \"version\": 1,",
            "  \"default\": {",
            "    \"defaultAction\": \"allow\",",
            "    \"rules\": [",
            "      { \"field\": \"Kernel.Credentials::*\", \"action\": \"throw\" }, /* creds */",
            "      { \"region\": \"nic0-mmio\", \"action\": \"audit\", \"description\": \"MMIO\" },",
            "    ],",
            "  },",
            "  \"modules\": [",
            "    { \"module\": \"Hostile\", \"defaultAction\": \"quarantine\", \"rules\": [] },",
            "    { \"module\": \"Benign\", \"sha256\": \"" + new string('A', 64) + "\" },",
            "  ],",
            "}"), "policy.json");
        Assert.Equal("policy.json", policy.Source);
        Assert.Equal(2, policy.Default.Rules.Count);
        var rule = policy.Default.Rules[0];
        Assert.Equal((RuleSelector.Field, "Kernel.Credentials::*", GuardAction.Throw, 8, 7, "default"),
            (rule.Selector, rule.Pattern, rule.Action, rule.Line, rule.Column, rule.Section));
        Assert.Equal(GuardAction.Quarantine, policy.SectionFor("Hostile")!.Section.DefaultAction);
        Assert.Equal(13, policy.SectionFor("Hostile")!.Line);
        Assert.Equal(new string('a', 64), policy.SectionFor("Benign")!.Sha256);
        Assert.Equal(GuardAction.Allow, policy.SectionFor("Benign")!.Section.DefaultAction);
        Assert.Contains("(line 8)", rule.ToString());
    }

    [Fact]
    public void Modules_may_be_an_object_keyed_by_name_and_inherit_the_default_action()
    {
        var policy = PolicyFile.Parse("""
            {
              "modules": { "E1000e": { "rules": [ { "type": "Kernel.Credentials", "action": "halt" } ] } },
              "default": { "defaultAction": "audit" }
            }
            """);
        var section = policy.SectionFor("E1000e")!;
        Assert.Equal(GuardAction.Audit, section.Section.DefaultAction);
        Assert.Equal("E1000e", section.Section.Rules[0].Section);
        Assert.Equal(GuardAction.Halt, section.Section.Rules[0].Action);
    }

    [Fact]
    public void Malformed_json_names_line_and_column() =>
        AssertError(Lines("{", "  \"default\": {", "    \"defaultAction\" \"allow\"", "  }", "}"), PolicyCodes.MalformedJson, 3, 21);

    [Fact]
    public void Unterminated_file_is_malformed() =>
        Assert.Equal(PolicyCodes.MalformedJson, SingleError("{ \"default\": { ").Code);

    [Fact]
    public void Empty_file_is_malformed() => AssertError("  ", PolicyCodes.MalformedJson, 1, 3);

    [Fact]
    public void Unknown_top_level_key() => AssertError(Lines("{", "  \"defaults\": {}", "}"), PolicyCodes.UnknownKey, 2, 3);

    [Fact]
    public void Unknown_rule_key() =>
        AssertError(Lines("{ \"default\": { \"rules\": [", "  { \"field\": \"A.B::C\", \"action\": \"throw\", \"acton\": \"x\" }", "] } }"), PolicyCodes.UnknownKey, 2, 43);

    [Fact]
    public void Rule_without_selector() =>
        AssertError(Lines("{ \"default\": { \"rules\": [", "    { \"action\": \"throw\" }", "] } }"), PolicyCodes.NoSelector, 2, 5);

    [Fact]
    public void Rule_with_two_selectors_points_at_the_second() =>
        AssertError(Lines("{ \"default\": { \"rules\": [", "  { \"field\": \"A.B::C\", \"type\": \"A.B\", \"action\": \"throw\" }", "] } }"), PolicyCodes.TwoSelectors, 2, 24);

    [Fact]
    public void Unknown_action_points_at_the_value() =>
        AssertError(Lines("{ \"default\": { \"rules\": [", "  { \"type\": \"A.B\", \"action\": \"deny\" }", "] } }"), PolicyCodes.UnknownAction, 2, 30);

    [Fact]
    public void Unknown_default_action() =>
        AssertError(Lines("{", "  \"default\": { \"defaultAction\": \"Throw\" }", "}"), PolicyCodes.UnknownAction, 2, 33);

    [Fact]
    public void Missing_action() =>
        AssertError(Lines("{ \"default\": { \"rules\": [", "   { \"type\": \"A.B\" }", "] } }"), PolicyCodes.MissingKey, 2, 4);

    [Theory]
    [InlineData("field", "Kernel.Credentials.Uid")]
    [InlineData("field", "Kernel.Credentials::")]
    [InlineData("field", "::Uid")]
    [InlineData("field", "A::B::C")]
    [InlineData("type", "Kernel.Credentials::Uid")]
    [InlineData("type", "Kernel..Credentials")]
    [InlineData("namespace", "Kernel.")]
    [InlineData("namespace", "Ker nel")]
    [InlineData("call", "Kernel.Scheduler")]
    [InlineData("region", "")]
    [InlineData("region", " nic0")]
    public void Bad_patterns_point_at_the_pattern(string selector, string pattern) =>
        AssertError(Lines("{ \"default\": { \"rules\": [", $"  {{ \"{selector}\": \"{pattern}\", \"action\": \"throw\" }}", "] } }"),
            PolicyCodes.BadPattern, 2, 5 + selector.Length + 4);

    [Fact]
    public void Wrong_value_type() =>
        AssertError(Lines("{", "  \"default\": { \"rules\": {} }", "}"), PolicyCodes.WrongType, 2, 25);

    [Fact]
    public void Duplicate_module_sections_point_at_the_second() =>
        AssertError(Lines("{ \"modules\": [", "  { \"module\": \"E1000e\" },", "  { \"module\": \"E1000e\", \"defaultAction\": \"throw\" }", "] }"),
            PolicyCodes.DuplicateModule, 3, 3);

    [Fact]
    public void Module_section_without_a_name() =>
        AssertError(Lines("{ \"modules\": [", "  { \"defaultAction\": \"throw\" }", "] }"), PolicyCodes.MissingKey, 2, 3);

    [Fact]
    public void Contradictory_rules_in_one_section_point_at_the_later_rule()
    {
        var d = SingleError(Lines("{ \"default\": { \"rules\": [",
            "  { \"region\": \"current-cred\", \"action\": \"throw\" },",
            "  { \"region\": \"current-cred\", \"action\": \"allow\" }",
            "] } }"));
        Assert.Equal((PolicyCodes.ContradictoryRules, 3, 3), (d.Code, d.Line, d.Column));
        Assert.Contains("line 2", d.Message);
        Assert.Equal("policy.json(3,3): error WVR2010: " + d.Message, d.ToString());
    }

    [Fact]
    public void Same_pattern_in_different_sections_is_not_a_contradiction_and_a_repeat_is_a_warning()
    {
        var result = PolicyFile.Read(Lines("{ \"default\": { \"rules\": [",
            "  { \"type\": \"A.B\", \"action\": \"throw\" },",
            "  { \"type\": \"A.B\", \"action\": \"throw\" } ] },",
            " \"modules\": { \"M\": { \"rules\": [ { \"type\": \"A.B\", \"action\": \"allow\" } ] } } }"), "p.json");
        Assert.False(result.HasErrors);
        Assert.NotNull(result.Policy);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal((PolicyCodes.DuplicateRule, PolicySeverity.Warning, 3, 3), (d.Code, d.Severity, d.Line, d.Column));
        Assert.StartsWith("p.json(3,3): warning WVR2011:", d.ToString());
    }

    [Fact]
    public void Bad_sha256() =>
        AssertError(Lines("{ \"modules\": [", "  { \"module\": \"E1000e\", \"sha256\": \"abc\" }", "] }"), PolicyCodes.BadSha256, 2, 35);

    [Fact]
    public void Duplicate_key() =>
        AssertError(Lines("{", "  \"default\": {},", "  \"default\": {}", "}"), PolicyCodes.DuplicateKey, 3, 3);

    [Fact]
    public void Unsupported_version() => AssertError("{ \"version\": 2 }", PolicyCodes.UnsupportedVersion, 1, 14);

    [Fact]
    public void Columns_count_characters_not_bytes() =>
        AssertError("{ \"description\": \"é€\", \"x\": 1 }", PolicyCodes.UnknownKey, 1, 24);

    [Fact]
    public void Every_error_is_reported_not_just_the_first()
    {
        var e = Assert.Throws<PolicyException>(() => PolicyFile.Parse(Lines("{ \"default\": { \"rules\": [",
            "  { \"action\": \"throw\" },",
            "  { \"field\": \"X\", \"action\": \"nope\" }",
            "] }, \"extra\": 1 }"), "policy.json"));
        Assert.Equal([PolicyCodes.NoSelector, PolicyCodes.BadPattern, PolicyCodes.UnknownAction, PolicyCodes.UnknownKey],
            e.Diagnostics.Select(d => d.Code));
        Assert.All(e.Diagnostics, d => Assert.True(d.Line > 0 && d.Column > 0));
        Assert.Contains("policy.json(2,3): error WVR2004", e.Message);
    }

    [Fact]
    public void Load_of_a_missing_file_is_a_diagnostic()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("n"), "policy.json");
        var e = Assert.Throws<PolicyException>(() => PolicyFile.Load(path));
        Assert.Equal(PolicyCodes.Unreadable, Assert.Single(e.Diagnostics).Code);
        Assert.StartsWith(path + ": error WVR2015:", e.Diagnostics[0].ToString());
    }
}
