using GuardRuntime;
using Weaver.Engine.Diagnostics;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Libraries;

/// <summary>
/// Sprache (parser combinators written in LINQ query syntax: closures, iterators and generic delegates everywhere),
/// woven with default options: the workload behaves exactly like it does on the restored library under allow-all and
/// under a policy protecting host objects it never touches, the host's verifier accepts it, and a library object the
/// host owns and protects as a region cannot be written through the library's own public setter.
/// </summary>
[Collection(GuardStateCollection.Name)]
public sealed class SpracheTests
{
    private static LibraryWeave Weave => LibraryWeave.Of(LibraryCatalogue.Named("Sprache"));

    [Fact]
    public void Weaves_with_default_options_and_the_host_verifier_accepts_it()
    {
        var result = Weave.Results["Sprache"];
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == DiagnosticCodes.UncheckedApiAllowed);
        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.VerifierAccepted);
        Assert.True(result.Report.TotalGuards > 100, $"{result.Report.TotalGuards} guards");
        var verify = WeaverCli.Run("verify", "--guards", Path.Combine(Weave.WovenDirectory, "Sprache.dll"));
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Fact]
    public void The_workload_prints_the_same_woven_and_unwoven_under_allow_all()
    {
        using var scope = PolicyScope.Install(Policy.AllowAll);
        var expected = (string)Weave.Run(woven: false, "Run")!;
        Assert.Contains("(1 + 2) * 3 = 9", expected);
        Assert.Contains("level -> 3", expected);
        Assert.Equal(expected, (string)Weave.Run(woven: true, "Run")!);
    }

    [Fact]
    public void The_workload_prints_the_same_under_a_policy_protecting_host_objects_it_never_touches()
    {
        var secrets = new int[16];
        using var scope = PolicyScope.Install(PolicyFile.Parse("""
            {
              "default": {
                "rules": [
                  { "region": "host-secrets", "action": "throw" },
                  { "namespace": "GuardRuntime", "action": "throw" },
                  { "field": "LibraryWorkload.Program::*", "action": "throw" },
                ],
              },
            }
            """));
        Regions.Protect(secrets, "host-secrets");
        Weave.AssertSameOutputAndNoViolation("Run");
    }

    [Fact]
    public void A_protected_host_owned_parser_object_cannot_be_written_through_the_library_s_public_setter()
    {
        using var scope = PolicyScope.Install(PolicyFile.Parse("""
            { "default": { "rules": [ { "region": "host-config", "action": "throw" } ] } }
            """));
        // Control: the restored library writes the protected object (nothing checks it).
        var unwoven = Weave.Load(woven: false);
        var plain = LibraryWeave.Call(unwoven, "NewCommentParser")!;
        Regions.Protect(plain, "host-config");
        Assert.Equal("//", LibraryWeave.Call(unwoven, "SetCommentStyle", plain, "//"));

        var woven = Weave.Load(woven: true);
        var parser = LibraryWeave.Call(woven, "NewCommentParser")!;
        Regions.Protect(parser, "host-config");
        var error = Assert.Throws<GuardViolationException>(() => LibraryWeave.Call(woven, "SetCommentStyle", parser, "//"));
        Assert.Contains("Sprache", error.Message);
        Assert.Contains("host-config", error.Message);
        Assert.Equal("#", parser.GetType().GetProperty("Single")!.GetValue(parser));

        // Another parser object, in no region, is written as usual by the woven library.
        var free = LibraryWeave.Call(woven, "NewCommentParser")!;
        Assert.Equal("--", LibraryWeave.Call(woven, "SetCommentStyle", free, "--"));
    }
}
