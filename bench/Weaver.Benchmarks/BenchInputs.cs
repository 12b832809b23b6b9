namespace Weaver.Benchmarks;

/// <summary>The assemblies the weaving and verification benchmarks work on, copied to a temp folder of their own.</summary>
public static class BenchInputs
{
    /// <summary>The file behind an input name: the e1000e driver beside the benchmark, or Newtonsoft.Json.</summary>
    public static string SourceOf(string input) => input == "E1000e"
        ? Path.Combine(AppContext.BaseDirectory, "E1000e.dll")
        : typeof(Newtonsoft.Json.JsonConvert).Assembly.Location;

    /// <summary>Copies <paramref name="input"/> (and its PDB, when asked) to a fresh folder for <paramref name="purpose"/>.</summary>
    public static string CopyToTemp(string input, string purpose, bool withSymbols = false)
    {
        var source = SourceOf(input);
        var dir = Path.Combine(Path.GetTempPath(), "weaver-bench", purpose + "-" + input + "-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        var copy = Path.Combine(dir, Path.GetFileName(source));
        File.Copy(source, copy, overwrite: true);
        var pdb = Path.ChangeExtension(source, ".pdb");
        if (withSymbols && File.Exists(pdb)) File.Copy(pdb, Path.ChangeExtension(copy, ".pdb"), overwrite: true);
        return copy;
    }
}
