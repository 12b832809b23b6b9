using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Mono.Cecil;
using Weaver.Engine.Pipeline;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.RedTeam.Outside;

/// <summary>One hostile module source file under <c>RedTeam/Outside/Attacks/&lt;Group&gt;/&lt;Name&gt;.cs</c>.</summary>
public sealed record AttackCase(string Group, string Name, string File, string AssemblyName, IReadOnlyList<string> Dependencies)
{
    public override string ToString() => Group + "/" + Name;
}

/// <summary>
/// What happened to one attack: Result is Refused, Stopped, GotThrough, Inert or HarnessError; Expected is the
/// attack's own [Attack] expectation; UnwovenEffect says whether the unwoven module really changes (or crashes) the kernel.
/// </summary>
public sealed record AttackOutcome(AttackCase Case, string What, string Expected, string Result, string Detail, bool UnwovenEffect, string UnwovenDetail)
{
    public bool GotThrough => Result == OutsideAttackHarness.GotThrough;
}

/// <summary>
/// The outside red team: each attack file is compiled on its own with Roslyn (against Kernel.Host, the guard runtime
/// and the framework, unsafe allowed, with the <c>[Attack]</c> attribute file), woven with the default options, and
/// run in a child process beside the woven e1000e driver under the demo's policy (see <see cref="OutsideAttackChild"/>);
/// the unwoven module is run the same way to prove the attack really changes the kernel.
/// </summary>
public static class OutsideAttackHarness
{
    public const string Refused = "Refused", Stopped = "Stopped", GotThrough = "GotThrough", Inert = "Inert", HarnessError = "HarnessError";

    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(40);
    private static readonly object WeaveGate = new();

    public static string AttacksRoot => Path.Combine(AppContext.BaseDirectory, "RedTeam", "Outside", "Attacks");

    public static string PolicyPath => Path.Combine(AppContext.BaseDirectory, "Driver", "policy.json");

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var frameworkDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var tpa = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var framework = tpa.Where(p => string.Equals(Path.GetDirectoryName(p), frameworkDir, StringComparison.Ordinal) && p.EndsWith(".dll", StringComparison.Ordinal));
        var kernel = new[] { "Kernel.Host.dll", "GuardRuntime.dll", "GuardRuntime.Abi.dll", "KcrRuntime.dll", "KcrRuntime.Abi.dll" }.Select(f => Path.Combine(AppContext.BaseDirectory, f));
        return [.. framework.Concat(kernel).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    private static readonly Lazy<string> WovenDriver = new(() =>
    {
        var dir = SnippetCompiler.NewDirectory("outside-driver");
        foreach (var ext in new[] { ".dll", ".pdb" })
            File.Copy(Path.Combine(AppContext.BaseDirectory, "E1000e" + ext), Path.Combine(dir, "E1000e" + ext));
        lock (WeaveGate) return Woven.Weave(Path.Combine(dir, "E1000e.dll"));
    });

    /// <summary>Every attack file, sorted by group and name (files under folders starting with '_' are helpers).</summary>
    public static IReadOnlyList<AttackCase> Discover()
    {
        var root = AttacksRoot;
        var cases = new List<AttackCase>();
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file);
            var parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts.Length != 2 || parts[0].StartsWith('_')) continue;
            var name = Path.GetFileNameWithoutExtension(file);
            string assemblyName = "Outside." + parts[0] + "." + name;
            var deps = new List<string>();
            foreach (var line in File.ReadLines(file))
            {
                var t = line.Trim();
                if (!t.StartsWith("// outside:", StringComparison.Ordinal)) continue;
                var directive = t["// outside:".Length..].Trim();
                if (directive.StartsWith("assembly-name ", StringComparison.Ordinal)) assemblyName = directive["assembly-name ".Length..].Trim();
                else if (directive.StartsWith("dependency ", StringComparison.Ordinal)) deps.Add(Path.Combine(root, directive["dependency ".Length..].Trim()));
            }
            cases.Add(new AttackCase(parts[0], name, file, assemblyName, deps));
        }
        return [.. cases.OrderBy(c => c.Group, StringComparer.Ordinal).ThenBy(c => c.Name, StringComparer.Ordinal)];
    }

    /// <summary>Runs every attack (compile and weave in parallel, children a few at a time); never throws for one attack.</summary>
    public static IReadOnlyList<AttackOutcome> RunAll(IReadOnlyList<AttackCase> cases, int parallelism = 3)
    {
        _ = WovenDriver.Value;
        var results = new ConcurrentDictionary<AttackCase, AttackOutcome>();
        Parallel.ForEach(cases, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, c =>
        {
            try { results[c] = Run(c); }
            catch (Exception e) { results[c] = new AttackOutcome(c, "?", "?", HarnessError, e.GetType().Name + ": " + e.Message, false, ""); }
        });
        return [.. cases.Select(c => results[c])];
    }

    /// <summary>Compiles, weaves and runs one attack.</summary>
    public static AttackOutcome Run(AttackCase c)
    {
        var dir = SnippetCompiler.NewDirectory("outside-" + c.Name);
        string unwovenDir = Path.Combine(dir, "unwoven"), wovenDir = Path.Combine(dir, "woven");
        Directory.CreateDirectory(unwovenDir);
        Directory.CreateDirectory(wovenDir);

        // Private dependencies: compiled unwoven, placed beside both the unwoven and the woven module.
        var depDlls = new List<string>();
        foreach (var dep in c.Dependencies)
        {
            var depName = Path.GetFileNameWithoutExtension(dep);
            var (depDll, depErrors) = Compile([dep], depName, unwovenDir, []);
            if (depDll is null) return new AttackOutcome(c, "?", "?", HarnessError, "dependency does not compile: " + depErrors, false, "");
            File.Copy(depDll, Path.Combine(wovenDir, Path.GetFileName(depDll)), overwrite: true);
            depDlls.Add(depDll);
        }
        var (dll, errors) = Compile([c.File, Path.Combine(AttacksRoot, "AttackAttribute.cs")], c.AssemblyName, unwovenDir, depDlls);
        if (dll is null) return new AttackOutcome(c, "?", "?", HarnessError, "does not compile: " + errors, false, "");
        var (what, expected) = ReadAttack(dll);

        // The unwoven module must really change the kernel: otherwise the attack is broken, not stopped.
        var (unwovenEffect, unwovenDetail) = Summarize(RunChild(dll));

        var output = Path.Combine(wovenDir, Path.GetFileName(dll));
        WeaveResult weave;
        lock (WeaveGate) weave = new WeavePipeline().Run(new WeaveOptions { InputPath = dll, OutputPath = output });
        if (!weave.Succeeded)
        {
            var error = weave.Diagnostics.FirstOrDefault(d => d.Severity == Engine.Diagnostics.DiagnosticSeverity.Error);
            return new AttackOutcome(c, what, expected, Refused, error is null ? "weave failed" : $"{error.Code}: {error.Message}", unwovenEffect.Changed, unwovenDetail);
        }
        if (!File.Exists(output)) return new AttackOutcome(c, what, expected, HarnessError, "weave succeeded but wrote nothing", unwovenEffect.Changed, unwovenDetail);
        var notes = weave.Diagnostics.Where(d => d.Code == "WVR0100").Select(d => $" [weaver: {d.Code} {d.Message}]");
        var (woven, wovenDetail) = Summarize(RunChild(output));
        string result = woven.Changed ? GotThrough : woven.Stopped ? Stopped : Inert;
        return new AttackOutcome(c, what, expected, result, wovenDetail + string.Concat(notes), unwovenEffect.Changed, unwovenDetail);
    }

    private static (string? Dll, string Errors) Compile(IReadOnlyList<string> files, string assemblyName, string outDir, IReadOnlyList<string> extra)
    {
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), new CSharpParseOptions(LanguageVersion.Latest), path: f, encoding: System.Text.Encoding.UTF8));
        var compilation = CSharpCompilation.Create(assemblyName, trees, References.Value.AddRange(extra.Select(p => MetadataReference.CreateFromFile(p))),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, allowUnsafe: true,
                nullableContextOptions: NullableContextOptions.Disable));
        var dll = Path.Combine(outDir, assemblyName + ".dll");
        var pdb = Path.Combine(outDir, assemblyName + ".pdb");
        Microsoft.CodeAnalysis.Emit.EmitResult emit;
        using (var d = File.Create(dll))
        using (var p = File.Create(pdb))
            emit = compilation.Emit(d, p, options: new Microsoft.CodeAnalysis.Emit.EmitOptions(debugInformationFormat: Microsoft.CodeAnalysis.Emit.DebugInformationFormat.PortablePdb, pdbFilePath: pdb));
        if (emit.Success) return (dll, "");
        return (null, string.Join(" | ", emit.Diagnostics.Where(x => x.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).Take(5)));
    }

    private static (string What, string Expected) ReadAttack(string dll)
    {
        using var module = ModuleDefinition.ReadModule(dll);
        foreach (var type in module.Types)
            foreach (var a in type.CustomAttributes)
                if (a.AttributeType.Name == "AttackAttribute" && a.ConstructorArguments.Count == 2)
                {
                    var expect = a.ConstructorArguments[1].Value is int e ? e : 0;
                    return ((string)a.ConstructorArguments[0].Value, expect switch { 0 => "Refused", 1 => "Stopped", _ => "Either" });
                }
        return ("(no [Attack] attribute)", "?");
    }

    private sealed record ChildRun(int ExitCode, bool TimedOut, ChildResult? Result, string StdErr);

    private sealed record Effect(bool Changed, bool Stopped);

    private static ChildRun RunChild(string module)
    {
        var testDll = typeof(OutsideAttackChild).Assembly.Location;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h
            : Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "exec", "--runtimeconfig", Path.ChangeExtension(testDll, ".runtimeconfig.json"), "--depsfile", Path.ChangeExtension(testDll, ".deps.json"),
                     testDll, OutsideAttackChild.Verb, module, WovenDriver.Value, PolicyPath })
            psi.ArgumentList.Add(a);
        if (Path.GetFileName(Path.GetDirectoryName(module)) == "unwoven") psi.Environment[OutsideAttackChild.UnverifiedVariable] = "1";
        psi.Environment["DOTNET_TieredPGO"] = "0";
        psi.Environment["DOTNET_TC_QuickJitForLoops"] = "1";
        psi.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        bool exited = process.WaitForExit(ChildTimeout);
        if (!exited) { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } process.WaitForExit(); }
        var line = stdout.Result.Split('\n').FirstOrDefault(l => l.StartsWith(OutsideAttackChild.ResultPrefix, StringComparison.Ordinal));
        var result = line is null ? null : JsonSerializer.Deserialize<ChildResult>(line[OutsideAttackChild.ResultPrefix.Length..]);
        return new ChildRun(exited ? process.ExitCode : -1, !exited, result, stderr.Result);
    }

    private static (Effect Effect, string Detail) Summarize(ChildRun run)
    {
        if (run.TimedOut) return (new Effect(true, false), $"the kernel hung (no exit within {ChildTimeout.TotalSeconds:0}s)");
        if (run.ExitCode != 0 || run.Result is null)
        {
            var err = run.StdErr.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
            return (new Effect(true, false), $"the kernel crashed (exit code {run.ExitCode}{(run.Result is null ? ", no result" : ", after the result")}): {Cut(err, 220)}"
                                            + (run.Result is { Violations: > 0 } r ? $"; violations seen first: {Cut(r.ViolationMessages.FirstOrDefault() ?? "", 160)}" : ""));
        }
        var res = run.Result;
        bool guardFault = res.Faults.Any(f => f.Contains("GuardRuntime.", StringComparison.Ordinal)) || (res.LoadError?.Contains("GuardRuntime.", StringComparison.Ordinal) ?? false);
        // The kernel's own ownership checks refusing an exported call stop an attack too (the state is compared anyway).
        bool hostRefused = res.Faults.Any(f => f.Contains("System.UnauthorizedAccessException", StringComparison.Ordinal));
        bool stopped = res.Violations > 0 || guardFault || hostRefused;
        var parts = new List<string>();
        if (res.Changes.Count > 0) parts.Add("CHANGED " + string.Join("; ", res.Changes.Take(3).Select(x => Cut(x, 200))) + (res.Changes.Count > 3 ? $"; +{res.Changes.Count - 3} more" : ""));
        if (res.Violations > 0) parts.Add($"{res.Violations} violation(s): {Cut(res.ViolationMessages.FirstOrDefault() ?? "", 200)}");
        else if (res.Faults.Count > 0) parts.Add("fault: " + Cut(res.Faults[0], 200));
        if (res.LoadError is not null) parts.Add("load failed: " + Cut(res.LoadError, 200));
        if (parts.Count == 0) parts.Add("no change, no violation");
        return (new Effect(res.Changes.Count > 0, stopped), string.Join(" | ", parts));
    }

    private static string Cut(string s, int n) => s.Length <= n ? s : s[..n] + "...";
}
