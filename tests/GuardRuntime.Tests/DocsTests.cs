using System.Text.RegularExpressions;

namespace GuardRuntime.Tests;

public sealed class DocsTests
{
    private static string Docs([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "docs"));

    [Fact]
    public void The_example_in_policy_md_parses_and_lists_every_code()
    {
        var markdown = File.ReadAllText(Path.Combine(Docs(), "policy.md"));
        var example = Regex.Match(markdown, "```jsonc\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        var policy = PolicyFile.Parse(example, "policy.md");
        Assert.Equal(["E1000e", "Rootkit", "Dummy.Net"], policy.Modules.Select(m => m.Module));
        Assert.Equal(GuardAction.Quarantine, policy.SectionFor("Rootkit")!.Section.DefaultAction);
        foreach (var code in typeof(PolicyCodes).GetFields().Select(f => (string)f.GetValue(null)!))
            Assert.Contains($"| {code} |", markdown);
    }
}
