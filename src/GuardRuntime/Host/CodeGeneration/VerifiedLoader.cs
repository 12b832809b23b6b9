using System.Reflection;
using System.Runtime.Loader;
using GuardRuntime.Verification;

namespace GuardRuntime.CodeGeneration;

/// <summary>
/// <c>Assembly.Load*</c> and <c>AssemblyLoadContext.LoadFrom*</c> from a module: the bytes must be a woven assembly
/// that the load-time verifier accepts (as the host's loader demands of the module itself), they are loaded into the
/// module's own load context (never the host's), and the loaded assembly is bound to the module's name, so it runs
/// under the module's policy section. Loads by name return the shared framework or what the module's context already
/// holds. Anything else throws <see cref="CodeGenerationRefusedException"/>.
/// </summary>
internal static class VerifiedLoader
{
    public static Assembly LoadPath(ModuleGuard module, string path, string api)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] image;
        try { image = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileNotFoundException($"Module '{module.Name}': {api} cannot read '{path}': {e.Message}", path, e);
        }
        // The bytes verified are the bytes loaded: the file is read once.
        return LoadBytes(module, image, null, api, Path.GetFileName(path));
    }

    public static Assembly LoadStream(ModuleGuard module, Stream image, Stream? symbols, string api)
    {
        ArgumentNullException.ThrowIfNull(image);
        return LoadBytes(module, ReadAll(image), symbols is null ? null : ReadAll(symbols), api);
    }

    public static Assembly LoadBytes(ModuleGuard module, byte[] image, byte[]? symbols, string api, string? displayName = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var context = OwnContext(module, api);
        image = (byte[])image.Clone(); // the module keeps its array; it cannot change what was verified
        var name = displayName ?? "assembly loaded by " + module.Name;
        var result = ModuleVerifier.Default.Verify(image, name);
        if (!result.Accepted)
            throw new CodeGenerationRefusedException(module.Name, api,
                $"the load-time verifier rejected the assembly ({result.Errors.Count} errors; first: {result.Errors[0]})");
        if (!IsWoven(image))
            throw new CodeGenerationRefusedException(module.Name, api,
                $"the assembly is not woven (no {GuardManifest.ResourceName}): a module loads only woven assemblies");
        Assembly assembly;
        using (var bytes = new MemoryStream(image, writable: false))
        using (var pdb = symbols is null ? null : new MemoryStream(symbols, writable: false))
            assembly = context.LoadFromStream(bytes, pdb);
        if (ModuleBindings.Of(module.Assembly) is { } binding)
            ModuleBindings.BindLoadedBy(assembly, binding, result.Sha256);
        return assembly;
    }

    public static Assembly LoadName(ModuleGuard module, AssemblyName name, string api)
    {
        ArgumentNullException.ThrowIfNull(name);
        var context = OwnContext(module, api);
        var simple = name.Name;
        if (GuardRuntime.Abi.AbiDescriptor.IsRuntimeAssembly(simple))
            throw new CodeGenerationRefusedException(module.Name, api, $"'{simple}' is a guard runtime, which a module does not load");
        var loaded = context.Assemblies.FirstOrDefault(a => AssemblyName.ReferenceMatchesDefinition(name, a.GetName()));
        if (loaded is not null) return loaded;
        var framework = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => a.GetName().Name == simple)
                        ?? TryFramework(name);
        if (framework is not null && IsSharedFramework(framework)) return framework;
        throw new CodeGenerationRefusedException(module.Name, api,
            $"'{name.FullName}' is neither part of the shared framework nor already loaded in the module's context; a module "
            + "loads its own code as bytes or from a path (Assembly.Load(byte[]), Assembly.LoadFrom), which are verified");
    }

    private static Assembly? TryFramework(AssemblyName name)
    {
        try { return AssemblyLoadContext.Default.LoadFromAssemblyName(name); }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException) { return null; }
    }

    // The shared framework's own files (the directory of System.Private.CoreLib), never an assembly a name can point at.
    private static bool IsSharedFramework(Assembly assembly) =>
        !assembly.IsDynamic && assembly.Location is { Length: > 0 } location
        && string.Equals(Path.GetDirectoryName(location), Path.GetDirectoryName(typeof(object).Assembly.Location), StringComparison.Ordinal);

    private static AssemblyLoadContext OwnContext(ModuleGuard module, string api)
    {
        var context = AssemblyLoadContext.GetLoadContext(module.Assembly);
        if (context is null || context == AssemblyLoadContext.Default)
            throw new CodeGenerationRefusedException(module.Name, api,
                "the module runs in the host's default load context, not a context of its own, so there is nowhere to load "
                + "its code apart from the host's");
        return context;
    }

    private static bool IsWoven(byte[] image)
    {
        try
        {
            using var pe = new System.Reflection.PortableExecutable.PEReader(new MemoryStream(image, writable: false));
            var reader = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
            return reader.ManifestResources.Any(r => reader.GetString(reader.GetManifestResource(r).Name) == GuardManifest.ResourceName);
        }
        catch (BadImageFormatException) { return false; }
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
