using System.Runtime.InteropServices;
using Mono.Cecil;

namespace Weaver.Engine.Pipeline;

/// <summary>Builds the assembly resolver a weave uses: the input's folder, the user's reference paths, the running framework.</summary>
public static class ReferenceResolver
{
    /// <summary>A resolver for <paramref name="options"/>.</summary>
    public static IAssemblyResolver Create(WeaveOptions options)
    {
        var resolver = new DefaultAssemblyResolver();
        foreach (var dir in resolver.GetSearchDirectories()) resolver.RemoveSearchDirectory(dir);
        var inputDir = Path.GetDirectoryName(Path.GetFullPath(options.InputPath));
        if (inputDir is not null) resolver.AddSearchDirectory(inputDir);
        foreach (var dir in options.ReferencePaths) resolver.AddSearchDirectory(dir);
        // The framework the weaver runs on stands in for the module's target framework; references are only
        // resolved to learn whether a type is a value type, which does not change between framework versions.
        resolver.AddSearchDirectory(RuntimeEnvironment.GetRuntimeDirectory());
        var runtimeDir = Path.GetDirectoryName(typeof(GuardRuntime.Guard).Assembly.Location);
        if (runtimeDir is not null) resolver.AddSearchDirectory(runtimeDir);
        return resolver;
    }
}
