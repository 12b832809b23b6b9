namespace GuardRuntime.Tests;

/// <summary>The binary manifest: what the weaver writes reads back equal; anything crafted or cut is malformed.</summary>
public class ManifestFormatTests
{
    private static GuardManifest Sample() => new()
    {
        Module = "Driver", WeaverVersion = "1.2.3", OptionsHash = "abc",
        Targets = [new(0, TargetKind.StaticField, "Ns.T::F", "Driver"), new(1, TargetKind.Address, "*", null),
            new(2, TargetKind.Call, "Kernel.Api::Write", "Kernel")],
        Sites = [new(0, "Ns.T::M()", 0x1a, "T.cs", 42, 0), new(1, "Ns.T::M()", 300000, null, 0, 2),
            new(2, "Ns.T::Ü(System.Int32)", 7, "T.cs", 9, 1)],
    };

    [Fact]
    public void A_manifest_round_trips()
    {
        var read = GuardManifest.FromBytes(Sample().ToBytes());
        Assert.Equal(("Driver", "1.2.3", "abc", GuardManifest.CurrentFormat),
            (read.Module, read.WeaverVersion, read.OptionsHash, read.Format));
        Assert.Equal(Sample().Targets, read.Targets);
        Assert.Equal(Sample().Sites, read.Sites);
    }

    [Fact]
    public void Every_truncation_and_trailing_byte_is_malformed()
    {
        var bytes = Sample().ToBytes();
        for (int n = 0; n < bytes.Length; n++)
            Assert.Throws<InvalidDataException>(() => GuardManifest.FromBytes(bytes.AsSpan(0, n)));
        Assert.Throws<InvalidDataException>(() => GuardManifest.FromBytes([.. bytes, 0]));
    }

    [Fact]
    public void A_site_naming_a_missing_target_or_string_is_malformed()
    {
        var bytes = Sample().ToBytes();
        bytes[^1] = 3; // the last site's target id
        Assert.Contains("target 3", Assert.Throws<InvalidDataException>(() => GuardManifest.FromBytes(bytes)).Message);
        var wrong = new GuardManifest { Targets = [new(0, TargetKind.Address, "*", null)] }.ToBytes();
        wrong[^3] = 0x7f; // the target's name: a string index past the table
        Assert.Throws<InvalidDataException>(() => GuardManifest.FromBytes(wrong));
    }

    [Fact]
    public void Another_format_is_refused()
    {
        var bytes = Sample().ToBytes();
        bytes[3] = 1;
        Assert.Contains("format 1", Assert.Throws<InvalidDataException>(() => GuardManifest.FromBytes(bytes)).Message);
    }
}
