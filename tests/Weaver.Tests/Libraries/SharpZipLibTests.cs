using GuardRuntime;
using Weaver.Engine.Diagnostics;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Libraries;

/// <summary>
/// SharpZipLib (compression), woven with default options: the woven library behaves exactly like the restored one
/// under allow-all and under a policy protecting host objects it never touches (no false positive), the host's
/// verifier accepts it, and when it is driven through its public API to write into a protected host buffer it is
/// stopped at its first write.
/// </summary>
[Collection(GuardStateCollection.Name)]
public sealed class SharpZipLibTests
{
    private static LibraryWeave Weave => LibraryWeave.Of(LibraryCatalogue.Named("SharpZipLib"));

    private static string WovenLibrary => Path.Combine(Weave.WovenDirectory, "ICSharpCode.SharpZipLib.dll");

    [Fact]
    public void Weaves_with_default_options_every_store_guarded_and_the_host_verifier_accepts_it()
    {
        var result = Weave.Results["ICSharpCode.SharpZipLib"];
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == DiagnosticCodes.UncheckedApiAllowed);
        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.VerifierAccepted);
        Assert.True(result.Report.TotalGuards > 1000, $"{result.Report.TotalGuards} guards");

        var verify = WeaverCli.Run("verify", "--guards", WovenLibrary);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        var jit = WeaverCli.Run("verify", WovenLibrary);
        Assert.True(jit.ExitCode == 0, jit.ToString());
    }

    [Fact]
    public void The_workload_prints_the_same_woven_and_unwoven_under_allow_all()
    {
        using var scope = PolicyScope.Install(Policy.AllowAll);
        var expected = (string)Weave.Run(woven: false, "Run")!;
        Assert.Contains("zip dir/file2.txt", expected);
        Assert.Equal(expected, (string)Weave.Run(woven: true, "Run")!);
    }

    [Fact]
    public void The_workload_prints_the_same_under_a_policy_protecting_host_objects_it_never_touches()
    {
        var table = new long[64];
        var config = new byte[32];
        using var scope = PolicyScope.Install(PolicyFile.Parse("""
            {
              "default": {
                "rules": [
                  { "region": "kernel-table", "action": "throw" },
                  { "region": "kernel-config", "action": "throw" },
                  { "namespace": "GuardRuntime", "action": "throw" },
                  { "field": "LibraryWorkload.Program::*", "action": "throw" },
                ],
              },
            }
            """));
        Regions.Protect(table, "kernel-table");
        Regions.Protect(config, "kernel-config");
        Weave.AssertSameOutputAndNoViolation("Run");
    }

    [Fact]
    public void Inflating_into_a_protected_host_buffer_through_the_public_API_is_stopped_at_the_first_write()
    {
        using var scope = PolicyScope.Install(PolicyFile.Parse("""
            { "default": { "rules": [ { "region": "host-buffer", "action": "throw" } ] } }
            """));
        var unwovenBuffer = new byte[4096];
        Regions.Protect(unwovenBuffer, "host-buffer");
        // Control: the restored library writes the protected buffer (nothing checks it).
        Assert.Equal(4096, (int)Weave.Run(woven: false, "InflateInto", unwovenBuffer)!);
        Assert.Contains(unwovenBuffer, b => b != 0);

        var buffer = new byte[4096];
        Regions.Protect(buffer, "host-buffer");
        var error = Assert.Throws<GuardViolationException>(() => Weave.Run(woven: true, "InflateInto", buffer));
        Assert.Contains("ICSharpCode.SharpZipLib", error.Message);
        Assert.Contains("host-buffer", error.Message);
        Assert.All(buffer, b => Assert.Equal(0, b));

        // The same call into a buffer of nobody's region works, woven.
        var free = new byte[4096];
        Assert.Equal(4096, (int)Weave.Run(woven: true, "InflateInto", free)!);
        Assert.Equal(unwovenBuffer, free);
    }
}
