using GuardRuntime.Verification;

namespace Kernel;

/// <summary>
/// A module file read once: the bytes the verifier judged are the bytes that load (no window in which the file on
/// disk could be swapped between the check and the load), with its symbols when they sit beside it.
/// </summary>
internal sealed record ModuleImage(string Path, byte[] Bytes, byte[]? Symbols, string Sha256)
{
    public static ModuleImage Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var pdb = System.IO.Path.ChangeExtension(path, ".pdb");
        var symbols = File.Exists(pdb) ? File.ReadAllBytes(pdb) : null;
        return new ModuleImage(path, bytes, symbols, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
    }

    /// <summary>
    /// Verifies the image (unless the host chose to load unverified modules) and throws
    /// <see cref="ModuleRejectedException"/> with the verifier's errors when it is rejected.
    /// </summary>
    public void Verify(KernelHost host, string module, string what)
    {
        if (host.Options.AllowUnverifiedModules)
        {
            host.Log.Write(LogLevel.Warning, "module", $"{module}: loading {what} {System.IO.Path.GetFileName(Path)} " +
                "UNVERIFIED (host option AllowUnverifiedModules)");
            return;
        }
        var verify = host.Options.Verifier ?? ModuleVerifier.Default.Verify;
        var result = verify(Bytes, System.IO.Path.GetFileName(Path));
        if (!string.Equals(result.Sha256, Sha256, StringComparison.OrdinalIgnoreCase))
            throw Reject(host, module, "the verifier judged other bytes than the loader read", result.Errors);
        if (!result.Accepted)
            throw Reject(host, module, $"the load-time verifier rejected {what} ({result.Errors.Count} errors)", result.Errors);
        // Woven or nothing: the verifier proves the IL safe, and this demands it came through the weaver at all (an
        // unwoven library with no store would pass the proof, yet it is code the module's policy never saw).
        if (!IsWoven())
            throw Reject(host, module, $"{what} is not woven (no {GuardRuntime.GuardManifest.ResourceName}): every " +
                "assembly that loads into a module's context must be woven; only the shared framework may be unwoven", []);
    }

    private bool IsWoven()
    {
        try
        {
            using var pe = new System.Reflection.PortableExecutable.PEReader(new MemoryStream(Bytes, writable: false));
            if (!pe.HasMetadata) return false;
            var reader = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
            return reader.ManifestResources.Any(r =>
                reader.GetString(reader.GetManifestResource(r).Name) == GuardRuntime.GuardManifest.ResourceName);
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    public ModuleRejectedException Reject(KernelHost host, string module, string reason, IReadOnlyList<VerificationError> errors,
        Exception? inner = null)
    {
        var e = new ModuleRejectedException(module, Path, reason, errors, inner);
        host.Log.Write(LogLevel.Error, "module", e.Message.Replace('\n', ' '));
        return e;
    }
}
