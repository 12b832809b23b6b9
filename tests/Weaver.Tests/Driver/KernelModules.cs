using Kernel;
using Weaver.Engine.Pipeline;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Driver;

/// <summary>Small kernel modules written for one test: compiled against Kernel.Host and woven with default options.</summary>
public static class KernelModules
{
    private static string KernelHostDll => typeof(KernelHost).Assembly.Location;

    /// <summary>Compiles <paramref name="source"/> as the module <paramref name="name"/>; returns the unwoven dll.</summary>
    public static string Compile(string source, string name, params string[] extraReferences) =>
        SnippetCompiler.Compile(source, name, extraReferences: [KernelHostDll, .. extraReferences]);

    /// <summary>Weaves <paramref name="dll"/> (default options) into a sibling <c>woven/</c> folder.</summary>
    public static WeaveResult Weave(string dll, out string output, params string[] referenceDirectories)
    {
        output = Path.Combine(Path.GetDirectoryName(dll)!, "woven", Path.GetFileName(dll));
        return new WeavePipeline().Run(new WeaveOptions
        {
            InputPath = dll,
            OutputPath = output,
            ReferencePaths = [AppContext.BaseDirectory, .. referenceDirectories],
        });
    }

    /// <summary>Compiles and weaves a module; fails the test if the weave does.</summary>
    public static string Woven(string source, string name)
    {
        var result = Weave(Compile(source, name), out var output);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return output;
    }
}
