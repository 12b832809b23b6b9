using System.Reflection;
using System.Runtime.Loader;

namespace Kernel;

/// <summary>
/// A collectible load context for one module. It resolves only the module's own private dependencies, from the
/// module's directory, and only after the load-time verifier accepted each of them (an unwoven private dependency
/// is refused: the shared framework is the only unwoven code a module may call); the kernel's shared assemblies
/// (Kernel.Host, the runtimes) and the framework are deferred to the default context, so <see cref="IKernelModule"/>,
/// <see cref="KernelApi"/> and the guard types have one identity across the host and every module.
/// </summary>
public sealed class ModuleLoadContext : AssemblyLoadContext
{
    /// <summary>Assemblies always shared with the host.</summary>
    public static readonly IReadOnlySet<string> SharedAssemblies =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Kernel.Host", "GuardRuntime", "GuardRuntime.Abi", "KcrRuntime", "KcrRuntime.Abi" };

    private readonly string directory;
    private readonly Func<string, ModuleImage>? verified;

    /// <summary>Creates a context for the module at <paramref name="modulePath"/> that loads private dependencies unverified.</summary>
    public ModuleLoadContext(string modulePath) : this(modulePath, null) { }

    // verified: reads and verifies a dependency file (throws ModuleRejectedException); the loader passes it.
    internal ModuleLoadContext(string modulePath, Func<string, ModuleImage>? verified)
        : base("module:" + Path.GetFileNameWithoutExtension(modulePath), isCollectible: true)
    {
        directory = Path.GetDirectoryName(Path.GetFullPath(modulePath)) ?? ".";
        this.verified = verified;
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

    /// <summary>The module's private dependency file for <paramref name="name"/>, or null when it is shared or absent.</summary>
    public string? PrivateFile(AssemblyName name)
    {
        if (IsShared(name)) return null;
        string candidate = Path.Combine(directory, name.Name + ".dll");
        return File.Exists(candidate) ? candidate : null;
    }

    /// <inheritdoc/>
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (PrivateFile(assemblyName) is not { } file) return null;
        if (verified is null) return LoadFromAssemblyPath(file);
        var image = verified(file);
        using var bytes = new MemoryStream(image.Bytes, writable: false);
        using var symbols = image.Symbols is null ? null : new MemoryStream(image.Symbols, writable: false);
        return LoadFromStream(bytes, symbols);
    }
}
