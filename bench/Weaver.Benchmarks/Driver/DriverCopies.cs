using System.Security.Cryptography;
using Mono.Cecil;
using Weaver.Engine.Pipeline;

namespace Weaver.Benchmarks.Driver;

/// <summary>The separately woven copies of E1000e.dll that the overhead benchmark loads side by side.</summary>
public enum DriverVariant
{
    /// <summary>Not woven (the baseline).</summary>
    Unwoven,
    /// <summary>Guards on every store; the module has no rules (allow-all).</summary>
    GuardsAllowAll,
    /// <summary>Guards on every store under the sample policy (Driver/sample-policy.json).</summary>
    GuardsPolicy,
    /// <summary>Guards under the sample policy plus memoization of the driver's pure checksum helpers.</summary>
    GuardsPolicyMemo,
    /// <summary>Like <see cref="GuardsPolicy"/> plus a counter before every guard call (setup only, never timed).</summary>
    Counting,
}

/// <summary>
/// Produces the copies: E1000e.dll (built by the normal build next to this benchmark) is renamed with Cecil (assembly
/// and module name <c>E1000e_&lt;variant&gt;</c>, so that every copy has its own identity, its own guard module and
/// its own policy section) and then woven with the real engine, <see cref="WeavePipeline"/>, into a temp folder.
/// Copies are cached by the SHA-256 of the input and of the engine, so each benchmark process weaves at most once.
/// </summary>
public static class DriverCopies
{
    /// <summary>The methods the memoizing variant asks the engine to memoize (pure helpers of the driver).</summary>
    public static readonly string[] MemoizedMethods = ["E1000e.Checksum::IpFastCsum", "E1000e.Checksum::CsumFold"];

    /// <summary>The simple assembly name of a variant's copy.</summary>
    public static string AssemblyName(DriverVariant variant) => variant switch
    {
        DriverVariant.Unwoven => "E1000e_base",
        DriverVariant.GuardsAllowAll => "E1000e_allow",
        DriverVariant.GuardsPolicy => "E1000e_policy",
        DriverVariant.GuardsPolicyMemo => "E1000e_memo",
        _ => "E1000e_count",
    };

    /// <summary>The woven (or renamed only, for the baseline) copy of the driver for <paramref name="variant"/>.</summary>
    public static string PathOf(DriverVariant variant)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "E1000e.dll");
        var engine = typeof(WeavePipeline).Assembly.Location;
        var key = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(source).Concat(File.ReadAllBytes(engine)).ToArray()))[..16];
        var root = Path.Combine(Path.GetTempPath(), "weaver-bench", "driver-" + key);
        var name = AssemblyName(variant);
        var dir = Path.Combine(root, name); // one directory per copy: a module load context resolves privately from it
        var final = Path.Combine(dir, name + ".dll");
        if (File.Exists(final)) return final;

        Directory.CreateDirectory(dir);
        var renamed = Path.Combine(dir, name + ".renamed.tmp");
        Rename(source, renamed, name);
        var staging = Path.Combine(dir, name + ".staging.tmp");
        if (variant == DriverVariant.Unwoven)
        {
            File.Copy(renamed, staging, overwrite: true);
        }
        else
        {
            var woven = variant == DriverVariant.Counting ? Path.Combine(dir, name + ".woven.tmp") : staging;
            var result = new WeavePipeline().Run(new WeaveOptions
            {
                InputPath = renamed,
                OutputPath = woven,
                Guards = GuardKinds.All,
                Memoize = variant == DriverVariant.GuardsPolicyMemo ? MemoizedMethods : [],
                ReferencePaths = [AppContext.BaseDirectory],
                Symbols = false,
            });
            if (!result.Succeeded)
                throw new InvalidOperationException($"Weaving {name} failed:\n" + string.Join("\n", result.Diagnostics));
            Console.WriteLine($"// wove {name}: {result.Report.TotalGuards} guard sites over {result.Report.Targets} targets in {result.Report.MethodsScanned} methods, {result.Report.Memoized.Count} memoized");
            if (variant == DriverVariant.GuardsPolicyMemo)
                BenchInfo.Put("driver.memoized_methods", result.Report.Memoized.Count, string.Join(",", result.Report.Memoized));
            if (variant == DriverVariant.GuardsPolicy)
            {
                BenchInfo.Put("driver.static_guard_sites", result.Report.TotalGuards);
                BenchInfo.Put("driver.methods", result.Report.MethodsScanned);
            }
            if (variant == DriverVariant.Counting)
                GuardCallCounter.Instrument(woven, staging, AppContext.BaseDirectory);
        }
        File.Move(staging, final, overwrite: true); // last, so that a half-built copy is never picked up
        return final;
    }

    private static void Rename(string source, string destination, string name)
    {
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(AppContext.BaseDirectory);
        using var assembly = AssemblyDefinition.ReadAssembly(source, new ReaderParameters { AssemblyResolver = resolver, InMemory = true });
        assembly.Name.Name = name;
        assembly.MainModule.Name = name + ".dll";
        assembly.Write(destination);
    }
}
