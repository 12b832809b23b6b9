using GuardRuntime;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests;

[Collection(GuardStateCollection.Name)]
public class SmokeTests
{
    [Fact]
    public void Woven_field_store_still_works_and_a_deny_rule_stops_it()
    {
        var dll = SnippetCompiler.Compile("""
            public class Cred { public int Uid = 1000; }
            public static class Program {
                public static Cred C = new Cred();
                public static int Run(int v) { C.Uid = v; return C.Uid; }
            }
            """, "SmokeField");
        var woven = Woven.Load(Woven.Weave(dll));
        Assert.Equal(7, Woven.Call(woven, "Program.Run", 7));
        using var _ = PolicyScope.Install(new Policy { Default = new PolicySection { Rules = [new PolicyRule(RuleSelector.Field, "Cred::Uid", GuardAction.Throw)] } });
        var e = Assert.Throws<GuardViolationException>(() => Woven.Call(woven, "Program.Run", 0));
        Assert.Contains("Cred::Uid", e.Message);
        Assert.Contains("SmokeField.cs:4", e.Message);
    }
}
