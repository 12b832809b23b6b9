using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Weaver.Engine.Pipeline;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Fuzz;

/// <summary>A generated module that compiles and weaves, and what was dropped on the way.</summary>
public sealed record BuiltModule(string Host, string Unwoven, string Woven, IReadOnlyList<int> Calls,
    IReadOnlyDictionary<int, string> Uncompilable, IReadOnlyDictionary<int, string> Refused, int Weaves);

/// <summary>
/// Compiles the generated calls into a module (against the framework and the fuzz host only: modules never see the
/// guard runtimes), drops the calls the C# compiler rejects (grammar noise: ambiguous overloads, obsolete-as-error),
/// then weaves with the default options; the weaver stops at the first refused method, naming it
/// (<c>FuzzModule.Calls::C12 at IL_0004</c>), so the refused call is recorded and the module regenerated without it
/// until it weaves.
/// </summary>
public static partial class ModuleBuilder
{
    private static readonly Lazy<string> HostDll = new(() =>
        SnippetCompiler.Compile(FuzzHostSource.Source, FuzzHostSource.AssemblyName, host: true));

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var frameworkDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var tpa = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return [.. tpa.Where(p => Path.GetDirectoryName(p) == frameworkDir && p.EndsWith(".dll", StringComparison.Ordinal))
            .Append(HostDll.Value).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    [GeneratedRegex(@"FuzzModule\.Calls::C(\d+)\b")]
    private static partial Regex RefusedMethod();

    public static BuiltModule Build(IReadOnlyList<CallSpec> calls, string hint)
    {
        var dir = SnippetCompiler.NewDirectory(hint);
        Directory.CreateDirectory(Path.Combine(dir, "woven"));
        foreach (var d in new[] { dir, Path.Combine(dir, "woven") })
            File.Copy(HostDll.Value, Path.Combine(d, FuzzHostSource.AssemblyName + ".dll"), overwrite: true);
        var live = Enumerable.Range(0, calls.Count).ToList();
        var uncompilable = new Dictionary<int, string>();
        var refused = new Dictionary<int, string>();
        var dll = Path.Combine(dir, ModuleSource.AssemblyName + ".dll");
        var woven = Path.Combine(dir, "woven", ModuleSource.AssemblyName + ".dll");
        for (int weaves = 1; ; weaves++)
        {
            CompileDroppingErrors(calls, live, uncompilable, dll);
            var result = new WeavePipeline().Run(new WeaveOptions { InputPath = dll, OutputPath = woven });
            if (result.Succeeded) return new BuiltModule(HostDll.Value, dll, woven, live, uncompilable, refused, weaves);
            var errors = result.Diagnostics.Where(d => d.Severity == Engine.Diagnostics.DiagnosticSeverity.Error).ToList();
            var named = errors.Select(e => (e, RefusedMethod().Match(e.Message))).Where(x => x.Item2.Success).ToList();
            if (named.Count == 0)
                throw new InvalidOperationException("weave failed without naming a method: " + string.Join("\n", errors));
            foreach (var (error, match) in named)
            {
                int index = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                refused[index] = error.Code + ": " + error.Message;
                live.Remove(index);
            }
        }
    }

    // Compiles the live calls; removes every call with a compile error and tries again (errors name their line).
    private static void CompileDroppingErrors(IReadOnlyList<CallSpec> calls, List<int> live,
        Dictionary<int, string> uncompilable, string dll)
    {
        while (true)
        {
            var order = live.ToList();
            var source = ModuleSource.Emit(order.Select(i => (i, calls[i])));
            var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest),
                path: Path.ChangeExtension(dll, ".cs"), encoding: System.Text.Encoding.UTF8);
            var compilation = CSharpCompilation.Create(ModuleSource.AssemblyName, [tree], References.Value,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release,
                    allowUnsafe: true, nullableContextOptions: NullableContextOptions.Disable));
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count == 0)
            {
                File.WriteAllText(Path.ChangeExtension(dll, ".cs"), source);
                using var d = File.Create(dll);
                using var p = File.Create(Path.ChangeExtension(dll, ".pdb"));
                var emit = compilation.Emit(d, p, options: new Microsoft.CodeAnalysis.Emit.EmitOptions(
                    debugInformationFormat: Microsoft.CodeAnalysis.Emit.DebugInformationFormat.PortablePdb));
                if (!emit.Success) throw new InvalidOperationException("emit failed: " + string.Join("\n", emit.Diagnostics));
                return;
            }
            int first = ModuleSource.FirstCallLine - 1;
            foreach (var e in errors)
            {
                int k = e.Location.GetLineSpan().StartLinePosition.Line - first;
                if (k < 0 || k >= order.Count)
                    throw new InvalidOperationException("generated prologue does not compile: " + e + "\n" + source);
                uncompilable.TryAdd(order[k], e.Id + " " + e.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
                live.Remove(order[k]);
            }
        }
    }
}
