using System.Security.Cryptography;
using GuardRuntime.Verification;

namespace GuardRuntime.Tests.Verification;

/// <summary>The verifier on inputs that need no weaver: garbage, and this (unwoven) test assembly itself.</summary>
public class ModuleVerifierTests
{
    [Fact]
    public void An_image_that_is_not_a_module_is_rejected_with_its_identity()
    {
        var garbage = new byte[] { 0x4d, 0x5a, 1, 2, 3 };
        var result = ModuleVerifier.Default.Verify(garbage, "garbage.dll");
        var error = Assert.Single(result.Errors);
        Assert.Equal("not-a-module", error.Rule);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(garbage)), result.Sha256);
        Assert.StartsWith("garbage.dll: rule not-a-module: ", error.ToString());
    }

    [Fact]
    public void An_unwoven_assembly_is_rejected_at_every_store_with_method_and_offset()
    {
        var path = typeof(ModuleVerifierTests).Assembly.Location;
        var result = ModuleVerifier.Default.Verify(path);
        Assert.False(result.Accepted);
        Assert.Equal(0, result.GuardedStores);
        Assert.True(result.UnguardedStores > 0 && result.Methods > 0 && result.IlBytes > 0);
        var store = Assert.Single(result.Errors, e => e.Method == typeof(Writer).FullName + "::Set");
        Assert.Equal("guard-missing", store.Rule);
        Assert.NotNull(store.ILOffset);
        Assert.Matches(@"^GuardRuntime\.Tests\.dll: GuardRuntime\.Tests\.Verification\.Writer::Set at IL_[0-9a-f]{4}: rule guard-missing: The stsfld ", store.ToString());
    }

    [Fact]
    public void The_same_image_gives_the_same_verdict_from_a_path_and_from_memory()
    {
        var path = typeof(ModuleVerifierTests).Assembly.Location;
        var fromPath = ModuleVerifier.Default.Verify(path);
        var fromMemory = ModuleVerifier.Default.Verify(File.ReadAllBytes(path), Path.GetFileName(path));
        Assert.Equal(fromPath.Sha256, fromMemory.Sha256);
        Assert.Equal(fromPath.Errors, fromMemory.Errors);
    }
}

internal static class Writer
{
    public static int Value;

    public static void Set(int value) => Value = value;
}
