using System.Collections.Concurrent;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Pipeline;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Libraries;

/// <summary>
/// A real NuGet library the tests weave: its assemblies in weave order (a dependency the library calls must be woven
/// first, or its calls are calls to an unexported host), and the workload of ours that drives it, if any.
/// </summary>
public sealed record Library(string Name, string Kind, string[] Assemblies, string? Workload = null)
{
    public override string ToString() => Name;
}

/// <summary>The libraries of the suite: one of each kind the issue asks for, restored from the registry.</summary>
public static class LibraryCatalogue
{
    public static readonly Library[] All =
    [
        new("SharpZipLib", "compression codec", ["ICSharpCode.SharpZipLib"], "SharpZipLib.cs"),
        new("Newtonsoft.Json", "JSON serializer that emits IL", ["Newtonsoft.Json"]),
        new("Markdig", "Markdown parser", ["Markdig"]),
        new("YamlDotNet", "YAML parser and serializer", ["YamlDotNet"]),
        new("CsvHelper", "CSV reader and writer", ["CsvHelper"]),
        new("MoreLinq", "LINQ-heavy library", ["MoreLinq"]),
        new("Sprache", "parser combinators in LINQ query syntax", ["Sprache"], "Sprache.cs"),
        new("Fluid", "templating engine (expression trees)", ["Parlot", "Fluid"]),
    ];

    public static Library Named(string name) => All.Single(l => l.Name == name);
}

/// <summary>
/// One library woven once per test run with DEFAULT options (no --allow-unchecked) and the host's verifier on, into
/// <see cref="WovenDirectory"/>; <see cref="UnwovenDirectory"/> holds the same assemblies as restored. Each assembly
/// is woven from a folder of its own, so its references resolve to the woven dependencies first.
/// </summary>
public sealed class LibraryWeave
{
    private static readonly ConcurrentDictionary<string, Lazy<LibraryWeave>> Cache = new();

    private LibraryWeave(Library library)
    {
        Library = library;
        var root = SnippetCompiler.NewDirectory("library-" + library.Name);
        UnwovenDirectory = Path.Combine(root, "unwoven");
        WovenDirectory = Path.Combine(root, "woven");
        Directory.CreateDirectory(UnwovenDirectory);
        Directory.CreateDirectory(WovenDirectory);
        var results = new Dictionary<string, WeaveResult>();
        foreach (var name in library.Assemblies)
        {
            var restored = Path.Combine(AppContext.BaseDirectory, name + ".dll");
            File.Copy(restored, Path.Combine(UnwovenDirectory, name + ".dll"));
            var staging = Path.Combine(root, "staging-" + name);
            Directory.CreateDirectory(staging);
            File.Copy(restored, Path.Combine(staging, name + ".dll"));
            results[name] = new WeavePipeline().Run(new WeaveOptions
            {
                InputPath = Path.Combine(staging, name + ".dll"),
                OutputPath = Path.Combine(WovenDirectory, name + ".dll"),
                ReferencePaths = [WovenDirectory, AppContext.BaseDirectory],
                Verify = true,
            });
        }
        Results = results;
        if (library.Workload is { } workload && Woven)
        {
            var source = Path.Combine(AppContext.BaseDirectory, "Libraries", "Workloads", workload);
            var dll = SnippetCompiler.CompileFiles([source], "LibraryWorkload",
                extraReferences: library.Assemblies.Select(a => Path.Combine(AppContext.BaseDirectory, a + ".dll")));
            foreach (var folder in new[] { UnwovenDirectory, WovenDirectory })
                File.Copy(dll, Path.Combine(folder, Path.GetFileName(dll)));
        }
    }

    /// <summary>The library, woven (once per test run).</summary>
    public static LibraryWeave Of(Library library) =>
        Cache.GetOrAdd(library.Name, _ => new Lazy<LibraryWeave>(() => new LibraryWeave(library))).Value;

    public Library Library { get; }
    public string UnwovenDirectory { get; }
    public string WovenDirectory { get; }

    /// <summary>The weave of each assembly, by name.</summary>
    public IReadOnlyDictionary<string, WeaveResult> Results { get; }

    /// <summary>Whether every assembly of the library wove with default options.</summary>
    public bool Woven => Results.Values.All(r => r.Succeeded);

    /// <summary>Every error of the weaves, the closing summaries aside.</summary>
    public IEnumerable<WeaverDiagnostic> Errors => Results.Values.SelectMany(r => r.Diagnostics)
        .Where(d => d.Severity == DiagnosticSeverity.Error && d.Code != DiagnosticCodes.RefusalSummary);

    /// <summary>Runs <c>LibraryWorkload.Program.{method}</c> against the woven or the restored library, in a fresh context.</summary>
    public object? Run(bool woven, string method, params object?[] args) => Call(Load(woven), method, args);

    /// <summary>
    /// Runs the workload's <paramref name="method"/> on the restored and on the woven library under the installed
    /// policy: the outputs are the same and no violation is raised meanwhile (no false positive).
    /// </summary>
    public void AssertSameOutputAndNoViolation(string method)
    {
        int violations = 0;
        void Count(GuardRuntime.GuardViolation _) => Interlocked.Increment(ref violations);
        GuardRuntime.Violations.Raised += Count;
        try
        {
            var expected = (string)Run(woven: false, method)!;
            Assert.Equal(expected, (string)Run(woven: true, method)!);
            Assert.Equal(0, violations);
        }
        finally
        {
            GuardRuntime.Violations.Raised -= Count;
        }
    }

    /// <summary>Loads the workload (and with it the woven or the restored library) into a fresh context.</summary>
    public System.Reflection.Assembly Load(bool woven)
    {
        var workload = Path.Combine(woven ? WovenDirectory : UnwovenDirectory, "LibraryWorkload.dll");
        Assert.True(File.Exists(workload), $"{Library.Name} has no workload, or did not weave");
        return Infrastructure.Woven.LoadUnbound(workload);
    }

    /// <summary>Calls <c>LibraryWorkload.Program.{method}</c> of a workload <see cref="Load"/> returned.</summary>
    public static object? Call(System.Reflection.Assembly workload, string method, params object?[] args) =>
        Infrastructure.Woven.Call(workload, "LibraryWorkload.Program." + method, args);
}
