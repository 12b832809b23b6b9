using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Diagnostics;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// Writes the woven assembly (and its PDB) to temporary files beside the output and moves them into place only when
/// both are complete, so that a failure never leaves a half-written or clobbered assembly.
/// </summary>
public sealed class WriteStep : IWeaveStep
{
    /// <inheritdoc/>
    public bool ProducesOutput => true;

    /// <inheritdoc/>
    public void Run(WeaveContext context)
    {
        var output = Path.GetFullPath(context.Options.OutputPath);
        var directory = Path.GetDirectoryName(output)!;
        var pdbOutput = Path.ChangeExtension(output, ".pdb");
        var suffix = $".weaving-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp";
        var tempDll = output + suffix;
        var tempPdb = pdbOutput + suffix;
        try
        {
            Directory.CreateDirectory(directory);
            using (var dll = File.Create(tempDll))
            using (var pdb = context.HasSymbols ? File.Create(tempPdb) : null)
            {
                var parameters = new WriterParameters { DeterministicMvid = true };
                if (pdb is not null)
                {
                    parameters.WriteSymbols = true;
                    parameters.SymbolStream = pdb;
                    parameters.SymbolWriterProvider = new PortablePdbWriterProvider();
                }
                if (context.Options.KeyFile is { } key) parameters.StrongNameKeyBlob = File.ReadAllBytes(key);
                context.Module.Write(dll, parameters);
            }
            if (!Verified(context, tempDll, output)) return; // nothing is moved: the output is as it was
            // The PDB first: a reader that sees the new assembly must find its matching symbols.
            if (context.HasSymbols) File.Move(tempPdb, pdbOutput, overwrite: true);
            File.Move(tempDll, output, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.Cryptography.CryptographicException)
        {
            throw new WeaverException(new WeaverDiagnostic(DiagnosticCodes.OutputFailed, DiagnosticSeverity.Error,
                $"Cannot write the woven assembly to '{output}': {e.Message}", context.Options.InputPath), e);
        }
        finally
        {
            TryDelete(tempDll);
            TryDelete(tempPdb);
        }
    }

    // The host's load-time verifier runs on exactly the bytes about to be moved into place, so a weave never yields a
    // module the host refuses. A trusted host, a partial weave (--guards other than all) or a module with allowed
    // unchecked uses is not a module it accepts.
    private static bool Verified(WeaveContext context, string tempDll, string output)
    {
        var options = context.Options;
        // A module woven with --allow-unchecked keeps uses the verifier refuses by design: it is for a trusted module
        // that the host loads as such, so the verifier's verdict says nothing about the weave.
        if (!options.Verify || options.TrustedHost || options.Guards != GuardKinds.All || options.AllowUnchecked.Count > 0)
            return true;
        // Host assemblies among the references are judged by their exports, as the host's own verifier will.
        var verdict = new GuardRuntime.Verification.ModuleVerifier(options.ReferencePaths).Verify(File.ReadAllBytes(tempDll), output);
        foreach (var error in verdict.Errors)
            context.Add(DiagnosticCodes.GuardVerifierRejected, DiagnosticSeverity.Error,
                $"The woven module is rejected by the host's load-time verifier (a weaver bug; nothing was written): {error}");
        if (verdict.Accepted)
            context.Add(DiagnosticCodes.VerifierAccepted, DiagnosticSeverity.Message,
                $"Accepted by the guard verifier ({verdict.Methods} methods, sha256 {verdict.Sha256}).");
        return verdict.Accepted;
    }

    private static void TryDelete(string path)
    {
        try { if (File.Exists(path)) File.Delete(path); }
        catch (IOException) { /* best effort: a leftover .tmp never replaces anything */ }
    }
}
