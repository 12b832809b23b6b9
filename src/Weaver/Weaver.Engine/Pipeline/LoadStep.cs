using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Diagnostics;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// Reads the input assembly, and its portable PDB when there is one, into memory, so that the input file is never
/// held open and can be replaced in place at the end.
/// </summary>
public sealed class LoadStep : IWeaveStep
{
    /// <inheritdoc/>
    public void Run(WeaveContext context)
    {
        var path = context.Options.InputPath;
        if (Directory.Exists(path)) throw context.Fail(DiagnosticCodes.InputNotFound, $"'{path}' is a directory, not an assembly file.");
        if (!File.Exists(path)) throw context.Fail(DiagnosticCodes.InputNotFound, $"The input file '{path}' does not exist.");

        byte[] image;
        try { image = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw context.Fail(DiagnosticCodes.InputNotFound, $"The input file cannot be read: {e.Message}", e);
        }
        if (image.Length < 2 || image[0] != 'M' || image[1] != 'Z')
            throw context.Fail(DiagnosticCodes.BadImage, "The input is not a .NET assembly (no PE header).");

        var pdbPath = Path.ChangeExtension(path, ".pdb");
        var pdb = context.Options.Symbols && File.Exists(pdbPath) ? File.ReadAllBytes(pdbPath) : null;
        context.Module = Read(context, image, pdb);
        context.Original.Record(context.Module);
        context.Report.Module = context.Module.Assembly?.Name.Name ?? context.Module.Name;
    }

    private static ModuleDefinition Read(WeaveContext context, byte[] image, byte[]? pdb)
    {
        try
        {
            return ReadImage(context, image, pdb);
        }
        catch (SymbolsNotMatchingException e)
        {
            context.Add(DiagnosticCodes.BadImage, DiagnosticSeverity.Warning,
                $"The PDB beside the input does not match it and is ignored ({e.Message}); the woven assembly has no symbols.");
            context.HasSymbols = false;
            return ReadImage(context, image, pdb: null);
        }
    }

    private static ModuleDefinition ReadImage(WeaveContext context, byte[] image, byte[]? pdb)
    {
        try
        {
            return ModuleDefinition.ReadModule(new MemoryStream(image), Parameters(context, pdb));
        }
        // Cecil does not validate metadata: a corrupt image fails with whatever the reader trips over (a renamed
        // "#~" stream gives a NullReferenceException), so everything but a PDB mismatch is a bad image.
        catch (Exception e) when (e is not SymbolsNotMatchingException and not WeaverException)
        {
            throw context.Fail(DiagnosticCodes.BadImage, $"The input is not a valid .NET assembly, or its image is truncated or corrupt: {e.Message}", e);
        }
    }

    private static ReaderParameters Parameters(WeaveContext context, byte[]? pdb)
    {
        var parameters = new ReaderParameters(ReadingMode.Immediate)
        {
            AssemblyResolver = ReferenceResolver.Create(context.Options),
            InMemory = true,
        };
        if (pdb is not null)
        {
            parameters.ReadSymbols = true;
            parameters.SymbolStream = new MemoryStream(pdb);
            parameters.SymbolReaderProvider = new PortablePdbReaderProvider();
            context.HasSymbols = true;
        }
        return parameters;
    }
}
