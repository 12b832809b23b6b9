using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace GuardRuntime;

/// <summary>
/// Checks a policy against the modules it will govern (<c>weaver policy check</c>): rules that name types, fields,
/// methods or namespaces nothing defines (usually a typo that silently protects nothing), region names that are not
/// registered, module sections for modules not given, and SHA-256 pins that do not match the module files.
/// </summary>
public static class PolicyChecker
{
    /// <summary>
    /// Checks <paramref name="policy"/> against woven modules described by their manifests. A name is known when some
    /// module's target names it, or when a type of an assembly loaded in this process defines it.
    /// </summary>
    /// <param name="policy">The policy (from <see cref="PolicyFile"/>, so that diagnostics carry lines and columns).</param>
    /// <param name="modules">The manifests of the modules the policy will govern.</param>
    /// <param name="knownRegions">The regions the host registers; null when unknown (region rules then get a warning).</param>
    /// <returns>Every diagnostic, in file order.</returns>
    public static IReadOnlyList<PolicyDiagnostic> Check(Policy policy, IEnumerable<GuardManifest> modules, RegionSet? knownRegions = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(modules);
        var catalog = new Catalog();
        catalog.AddLoadedAssemblies();
        return Run(policy, [.. modules.Select(m => (m, (string?)null, (string?)null))], catalog, knownRegions, []);
    }

    /// <summary>
    /// Checks <paramref name="policy"/> against woven module files: reads each file's guard manifest and SHA-256
    /// without loading it, and knows the types defined by the files and by the assemblies next to them (the host's).
    /// </summary>
    public static IReadOnlyList<PolicyDiagnostic> CheckAssemblies(Policy policy, IEnumerable<string> modulePaths, RegionSet? knownRegions = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(modulePaths);
        var catalog = new Catalog();
        catalog.AddLoadedAssemblies();
        var modules = new List<(GuardManifest, string?, string?)>();
        var problems = new List<PolicyDiagnostic>();
        var scanned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in modulePaths)
        {
            var full = Path.GetFullPath(path);
            try
            {
                var manifest = ReadManifest(full);
                if (manifest is null)
                    problems.Add(new(PolicyCodes.BadModule, PolicySeverity.Error,
                        $"'{path}' carries no guard manifest ({GuardManifest.ResourceName}); weave it first.", path, 0, 0));
                else
                    modules.Add((manifest, ModuleRegistry.HashOfFile(full), path));
                foreach (var dll in Directory.EnumerateFiles(Path.GetDirectoryName(full)!, "*.dll"))
                    if (scanned.Add(dll)) catalog.AddFile(dll);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidDataException or InvalidOperationException)
            {
                problems.Add(new(PolicyCodes.BadModule, PolicySeverity.Error, $"'{path}' cannot be read as a woven module: {e.Message}", path, 0, 0));
            }
        }
        return Run(policy, modules, catalog, knownRegions, problems);
    }

    /// <summary>Reads the guard manifest of a woven assembly file without loading it; null when it has none.</summary>
    public static GuardManifest? ReadManifest(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata) throw new BadImageFormatException($"'{assemblyPath}' is not a .NET assembly.");
        var md = pe.GetMetadataReader();
        foreach (var handle in md.ManifestResources)
        {
            var resource = md.GetManifestResource(handle);
            if (!resource.Implementation.IsNil || md.GetString(resource.Name) != GuardManifest.ResourceName) continue;
            var directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
            var block = pe.GetSectionData(directory.RelativeVirtualAddress + (int)resource.Offset);
            var reader = block.GetReader();
            int length = reader.ReadInt32();
            return GuardManifest.FromBytes(reader.ReadBytes(length));
        }
        return null;
    }

    private static List<PolicyDiagnostic> Run(Policy policy, List<(GuardManifest Manifest, string? Sha256, string? Path)> modules,
        Catalog catalog, RegionSet? regions, List<PolicyDiagnostic> diagnostics)
    {
        var file = policy.Source;
        var targets = modules.SelectMany(m => m.Manifest.Targets).ToList();
        var fieldTargets = targets.Where(t => t.Kind is TargetKind.InstanceField or TargetKind.StaticField).ToList();
        var callTargets = targets.Where(t => t.Kind == TargetKind.Call).ToList();
        var uncheckedRegions = new HashSet<string>(StringComparer.Ordinal);

        foreach (var rule in policy.Default.Rules.Concat(policy.Modules.SelectMany(m => m.Section.Rules)))
        {
            string? problem = rule.Selector switch
            {
                RuleSelector.Field => FieldProblem(rule.Pattern, fieldTargets, catalog, call: false),
                RuleSelector.Call => FieldProblem(rule.Pattern, callTargets, catalog, call: true),
                RuleSelector.Type => fieldTargets.Any(t => t.DeclaringType == rule.Pattern) || catalog.HasType(rule.Pattern)
                    ? null : $"No module writes a field of type '{rule.Pattern}' and no known assembly defines it; the rule protects nothing.",
                RuleSelector.Namespace => fieldTargets.Any(t => PolicyCompiler.InNamespace(t.DeclaringType, rule.Pattern)) || catalog.HasNamespace(rule.Pattern)
                    ? null : $"No module writes a field in namespace '{rule.Pattern}' and no known assembly defines a type there; the rule protects nothing.",
                _ => null,
            };
            if (problem is not null)
                diagnostics.Add(new(PolicyCodes.UnknownMember, PolicySeverity.Warning, problem, file, rule.Line, rule.Column));
            if (rule.Selector == RuleSelector.Region)
            {
                if (regions is null)
                {
                    if (uncheckedRegions.Add(rule.Pattern))
                        diagnostics.Add(new(PolicyCodes.UncheckedRegion, PolicySeverity.Warning,
                            $"Region '{rule.Pattern}' cannot be checked: no region set was given. The host must register it (Regions.Protect*) or the rule protects nothing.",
                            file, rule.Line, rule.Column));
                }
                else if (!regions.Contains(rule.Pattern))
                {
                    var known = regions.Names.ToList();
                    diagnostics.Add(new(PolicyCodes.UnknownRegion, PolicySeverity.Error,
                        $"Region '{rule.Pattern}' is not registered{(known.Count == 0 ? " (no region is)" : "; registered: " + string.Join(", ", known.Order(StringComparer.Ordinal)))}.",
                        file, rule.Line, rule.Column));
                }
            }
        }

        foreach (var section in policy.Modules)
        {
            var matching = modules.Where(m => m.Manifest.Module == section.Module).ToList();
            if (matching.Count == 0)
            {
                diagnostics.Add(new(PolicyCodes.UnknownModule, PolicySeverity.Warning,
                    $"Module '{section.Module}' is not among the modules checked ({(modules.Count == 0 ? "none" : string.Join(", ", modules.Select(m => m.Manifest.Module).Distinct()))}).",
                    file, section.Line, section.Column));
                continue;
            }
            if (section.Sha256 is { } pin)
                foreach (var m in matching.Where(m => m.Path is not null && !string.Equals(m.Sha256, pin, StringComparison.OrdinalIgnoreCase)))
                    diagnostics.Add(new(PolicyCodes.PinMismatch, PolicySeverity.Error,
                        $"Module '{section.Module}' pins SHA-256 {pin}, but '{m.Path}' has {m.Sha256}; the runtime would refuse the module.",
                        file, section.Line, section.Column));
        }
        return [.. diagnostics.OrderBy(d => d.Line).ThenBy(d => d.Column)];
    }

    private static string? FieldProblem(string pattern, List<GuardTarget> targets, Catalog catalog, bool call)
    {
        int sep = pattern.IndexOf("::", StringComparison.Ordinal);
        if (sep < 0) return null; // the parser reports malformed patterns
        var type = pattern[..sep];
        var member = pattern[(sep + 2)..];
        if (targets.Any(t => member == "*" ? t.DeclaringType == type : t.Name == pattern)) return null;
        var what = call ? "method" : "field";
        if (!catalog.TryGetType(type, out var known))
            return $"No module {(call ? "calls" : "writes")} '{pattern}' and no known assembly defines type '{type}'; the rule {(call ? "denies" : "protects")} nothing.";
        if (member == "*" || (call ? known.Methods.Contains(member) : known.Fields.Contains(member))) return null;
        return $"Type '{type}' has no {what} '{member}'; the rule {(call ? "denies" : "protects")} nothing.";
    }

    /// <summary>Types known by name (reflection-style full names) with their field and method names.</summary>
    private sealed class Catalog
    {
        private readonly Dictionary<string, (HashSet<string> Fields, HashSet<string> Methods)> types = new(StringComparer.Ordinal);
        private readonly List<Assembly> loaded = [];

        public void AddLoadedAssemblies() => loaded.AddRange(AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic));

        public void AddFile(string path)
        {
            try
            {
                using var stream = File.OpenRead(path);
                using var pe = new PEReader(stream);
                if (!pe.HasMetadata) return;
                var md = pe.GetMetadataReader();
                foreach (var handle in md.TypeDefinitions)
                {
                    var def = md.GetTypeDefinition(handle);
                    var entry = (Fields: new HashSet<string>(StringComparer.Ordinal), Methods: new HashSet<string>(StringComparer.Ordinal));
                    foreach (var f in def.GetFields()) entry.Fields.Add(md.GetString(md.GetFieldDefinition(f).Name));
                    foreach (var m in def.GetMethods()) entry.Methods.Add(md.GetString(md.GetMethodDefinition(m).Name));
                    types.TryAdd(NameOf(md, def), entry);
                }
            }
            catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException or InvalidOperationException)
            {
                // not an assembly we can read: it simply adds no names
            }
        }

        private static string NameOf(MetadataReader md, TypeDefinition def)
        {
            var name = md.GetString(def.Name);
            var declaring = def.GetDeclaringType();
            if (!declaring.IsNil) return NameOf(md, md.GetTypeDefinition(declaring)) + "+" + name;
            var ns = md.GetString(def.Namespace);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        public bool HasType(string name) => TryGetType(name, out _);

        public bool TryGetType(string name, out (HashSet<string> Fields, HashSet<string> Methods) entry)
        {
            if (types.TryGetValue(name, out entry)) return true;
            foreach (var assembly in loaded)
            {
                Type? type;
                try { type = assembly.GetType(name, throwOnError: false); }
                catch (Exception e) when (e is FileLoadException or FileNotFoundException or BadImageFormatException) { continue; }
                if (type is null) continue;
                const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
                entry = ([.. type.GetFields(all).Select(f => f.Name)],
                         [.. type.GetMethods(all).Select(m => m.Name).Concat(type.GetConstructors(all).Select(c => c.Name))]);
                types[name] = entry;
                return true;
            }
            return false;
        }

        public bool HasNamespace(string pattern)
        {
            if (types.Keys.Any(t => PolicyCompiler.InNamespace(t, pattern))) return true;
            foreach (var assembly in loaded)
            {
                Type?[] all;
                try { all = assembly.GetTypes(); }
                catch (ReflectionTypeLoadException e) { all = e.Types; }
                catch (Exception e) when (e is FileLoadException or FileNotFoundException or BadImageFormatException) { continue; }
                if (all.Any(t => t?.FullName is { } n && PolicyCompiler.InNamespace(n, pattern))) return true;
            }
            return false;
        }
    }
}
