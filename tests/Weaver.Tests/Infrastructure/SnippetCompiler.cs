using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace Weaver.Tests.Infrastructure;

/// <summary>
/// Compiles C# snippets with Roslyn into real assemblies (with portable PDBs) in a temporary folder, so that each
/// test weaves exactly the IL the C# compiler emits for a construct. Snippets may reference the ABI assemblies (GuardRuntime.Abi, and KcrRuntime.Abi for [Memoize]); a module never sees the hosts.
/// </summary>
public static class SnippetCompiler
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> FrameworkReferences = new(() =>
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll" or "GuardRuntime.Abi.dll" or "KcrRuntime.Abi.dll")
            .Select(p => MetadataReference.CreateFromFile(p))]);

    // Host snippets (a kernel that configures policies) also see the host runtimes; modules never do.
    private static readonly Lazy<ImmutableArray<MetadataReference>> HostReferences = new(() =>
        [.. FrameworkReferences.Value, .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is "GuardRuntime.dll" or "KcrRuntime.dll")
            .Select(p => MetadataReference.CreateFromFile(p))]);

    private static int counter;

    /// <summary>A fresh folder under the test temp root.</summary>
    public static string NewDirectory(string hint)
    {
        var dir = Path.Combine(Path.GetTempPath(), "weaver-tests", $"{hint}-{Environment.ProcessId}-{Interlocked.Increment(ref counter)}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Compiles <paramref name="source"/> into <c>{name}.dll</c> (+ .pdb) in a fresh folder; returns the dll path.</summary>
    public static string Compile(string source, string? name = null, bool optimize = true, IEnumerable<string>? extraReferences = null,
        bool host = false)
    {
        name ??= "Snippet" + Interlocked.Increment(ref counter);
        var dir = NewDirectory(name);
        var sourcePath = Path.Combine(dir, name + ".cs");
        File.WriteAllText(sourcePath, source);
        return Emit(name, dir, [sourcePath], optimize, extraReferences, host);
    }

    /// <summary>
    /// Compiles real source files (test cases kept as <c>.cs</c> files) into <c>{name}.dll</c> in a fresh folder;
    /// diagnostics and sequence points name the files where they are.
    /// </summary>
    public static string CompileFiles(IEnumerable<string> sourcePaths, string name, bool host = false, IEnumerable<string>? extraReferences = null) =>
        Emit(name, NewDirectory(name), sourcePaths.ToList(), optimize: true, extraReferences, host);

    private static string Emit(string name, string dir, IReadOnlyList<string> sourcePaths, bool optimize, IEnumerable<string>? extraReferences, bool host)
    {
        var trees = sourcePaths.Select(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path), new CSharpParseOptions(LanguageVersion.Latest),
            path: path, encoding: System.Text.Encoding.UTF8));
        var references = (host ? HostReferences : FrameworkReferences).Value.AddRange((extraReferences ?? []).Select(p => MetadataReference.CreateFromFile(p)));
        var compilation = CSharpCompilation.Create(name, trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: optimize ? OptimizationLevel.Release : OptimizationLevel.Debug,
                allowUnsafe: true, nullableContextOptions: NullableContextOptions.Disable));
        var dll = Path.Combine(dir, name + ".dll");
        var pdb = Path.Combine(dir, name + ".pdb");
        EmitResult result;
        using (var dllStream = File.Create(dll))
        using (var pdbStream = File.Create(pdb))
            result = compilation.Emit(dllStream, pdbStream, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb, pdbFilePath: pdb));
        if (!result.Success)
            throw new InvalidOperationException("Snippet does not compile:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return dll;
    }
}
