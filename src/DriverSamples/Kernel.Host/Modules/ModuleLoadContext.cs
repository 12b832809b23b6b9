using System.Reflection;
using System.Runtime.Loader;

namespace Kernel;

/// <summary>
/// A collectible load context for one module assembly. It resolves only the module's own private dependencies from
/// the module's directory; the kernel's shared assemblies (Kernel.Host, GuardRuntime, KcrRuntime) and the framework
/// are deferred to the default context, so <see cref="IKernelModule"/>, <see cref="KernelApi"/> and the guard types
/// have one identity across the host and every module.
/// </summary>
public sealed class ModuleLoadContext : AssemblyLoadContext
{
    /// <summary>Assemblies always shared with the host.</summary>
    public static readonly IReadOnlySet<string> SharedAssemblies =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Kernel.Host", "GuardRuntime", "GuardRuntime.Abi", "KcrRuntime", "KcrRuntime.Abi" };

    private readonly string directory;

    /// <summary>Creates a context for the module at <paramref name="modulePath"/>.</summary>
    public ModuleLoadContext(string modulePath)
        : base("module:" + Path.GetFileNameWithoutExtension(modulePath), isCollectible: true)
    {
        directory = Path.GetDirectoryName(Path.GetFullPath(modulePath)) ?? ".";
    }

    /// <summary>Whether <paramref name="name"/> must come from the default context.</summary>
    public static bool IsShared(AssemblyName name)
    {
        string simple = name.Name ?? "";
        return SharedAssemblies.Contains(simple)
               || simple.StartsWith("System.", StringComparison.Ordinal) || simple == "System"
               || simple.StartsWith("Microsoft.", StringComparison.Ordinal)
               || simple is "mscorlib" or "netstandard";
    }

    /// <inheritdoc/>
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (IsShared(assemblyName)) return null;
        string candidate = Path.Combine(directory, assemblyName.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }
}
