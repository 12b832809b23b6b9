using System.Collections.Concurrent;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.Loader;

namespace GuardRuntime.Verification;

/// <summary>
/// The members a host assembly exports to modules (<c>[GuardRuntime.ModuleExport]</c> on the method, its property or
/// event, or its declaring type), read from the host's own file with System.Reflection.Metadata and keyed by full
/// signature (<see cref="Key"/>), never by name alone: an overload the host did not mark is not exported. A host
/// assembly is found where the host itself loads it (its default load context, its trusted platform list) or in the
/// directories the caller names, never beside the module. Each file is read once per process.
/// </summary>
internal sealed class HostSurface
{
    private static readonly ConcurrentDictionary<string, HostSurface?> ByPath = new(StringComparer.Ordinal);
    private static readonly Lazy<Dictionary<string, string>> Platform = new(() =>
        ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "").Split(Path.PathSeparator)
        .Where(p => p.Length > 0).GroupBy(p => Path.GetFileNameWithoutExtension(p), StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal));

    private readonly Dictionary<string, bool> members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (TypeInfo Info, TypeDefinitionHandle Handle)> types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> holds = new(StringComparer.Ordinal);
    private MetadataReader reader = null!;
    private SigTypes sigs = null!;
    private PEReader? Image { get; init; } // kept: the reader above reads from its pinned image
    private readonly Dictionary<string, (string Assembly, string Type)?> baseTypes = new(StringComparer.Ordinal);

    /// <summary>Whether the assembly is woven module code (it carries a guard manifest): it needs no exports.</summary>
    public bool IsWoven { get; private init; }

    /// <summary>The host assembly named <paramref name="assembly"/>, or null when the host has no such assembly.</summary>
    public static HostSurface? Find(string assembly, IReadOnlyList<string> directories) =>
        ByName.GetOrAdd(assembly + "|" + string.Join("|", directories), _ => Locate(assembly, directories));

    private static readonly ConcurrentDictionary<string, HostSurface?> ByName = new(StringComparer.Ordinal);

    private static HostSurface? Locate(string assembly, IReadOnlyList<string> directories)
    {
        string? path = null;
        foreach (var a in AssemblyLoadContext.Default.Assemblies)
            if (!a.IsDynamic && a.Location.Length > 0 && a.GetName().Name == assembly) { path = a.Location; break; }
        if (path is null && Platform.Value.TryGetValue(assembly, out var listed)) path = listed;
        foreach (var d in directories)
            if (path is null && Path.Combine(d, assembly + ".dll") is var candidate && File.Exists(candidate)) path = candidate;
        return path is null ? null : ByPath.GetOrAdd(Path.GetFullPath(path), Read);
    }

    /// <summary>
    /// Whether the member with <paramref name="key"/> on <paramref name="type"/> (or the base type that declares it,
    /// as the runtime binds a member reference) is exported; null when no such member exists.
    /// </summary>
    public bool? Exported(string type, string key, IReadOnlyList<string> directories, int depth = 0)
    {
        if (members.TryGetValue(type + "::" + key, out var exported)) return exported;
        if (depth > 16 || !baseTypes.TryGetValue(type, out var b) || b is not { } baseType) return null;
        var surface = baseType.Assembly.Length == 0 ? this : Find(baseType.Assembly, directories);
        return surface?.Exported(baseType.Type, key, directories, depth + 1);
    }

    /// <summary>What a type of this assembly is (value type, delegate, enum), or null when it has no such type.</summary>
    public TypeInfo? Info(string type) => types.TryGetValue(type, out var t) ? t.Info : null;

    /// <summary>Whether a value of the (non-generic) type may hold an object reference; unknown: yes.</summary>
    public bool HoldsReferences(string type, IReadOnlyList<string> directories, int depth = 0)
    {
        if (holds.TryGetValue(type, out var known)) return known;
        if (!types.TryGetValue(type, out var t) || !t.Info.ValueType || depth > 16) return true;
        holds[type] = true; // a cycle through the fields answers yes
        bool result = false;
        if (!t.Info.Enum)
            foreach (var f in reader.GetTypeDefinition(t.Handle).GetFields())
            {
                var field = reader.GetFieldDefinition(f);
                if ((field.Attributes & System.Reflection.FieldAttributes.Static) != 0) continue;
                if (FieldHolds(field.DecodeSignature(sigs, default).Bare, directories, depth)) { result = true; break; }
            }
        return holds[type] = result;
    }

    private bool FieldHolds(SigType f, IReadOnlyList<string> directories, int depth)
    {
        switch (f.Kind)
        {
            case SigKind.Pointer or SigKind.FunctionPointer: return false;
            case SigKind.Primitive: return f.Text is "System.String" or "System.Object" or "System.TypedReference";
            case SigKind.Named when f.Handle.Kind == HandleKind.TypeDefinition: return HoldsReferences(f.Text, directories, depth + 1);
            case SigKind.Named when f.Handle.Kind == HandleKind.TypeReference:
                var scope = reader.GetTypeReference((TypeReferenceHandle)f.Handle).ResolutionScope;
                while (scope.Kind == HandleKind.TypeReference) scope = reader.GetTypeReference((TypeReferenceHandle)scope).ResolutionScope;
                if (scope.Kind != HandleKind.AssemblyReference) return true;
                var assembly = reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)scope).Name);
                if (TypeFacts.IsFramework(assembly))
                    return TypeFacts.RuntimeType(assembly, f.Text) is not { } rt || TypeFacts.HoldsReferences(rt);
                return Find(assembly, directories)?.HoldsReferences(f.Text, directories, depth + 1) ?? true;
            default: return true;
        }
    }

    /// <summary>A method's key: name, static or instance, generic arity, return and parameter types (model spelling).</summary>
    public static string Key(string name, MethodSignature<SigType> s) =>
        $"{name}|{(s.Header.IsInstance ? "instance" : "static")}|{s.GenericParameterCount}|{s.ReturnType.Model}|" +
        string.Join(",", s.ParameterTypes.Select(p => p.Model));

    private static HostSurface? Read(string path)
    {
        try
        {
            var pe = new PEReader(System.Collections.Immutable.ImmutableArray.Create(File.ReadAllBytes(path)));
            if (!pe.HasMetadata) return null;
            var reader = pe.GetMetadataReader();
            var surface = new HostSurface
            {
                Image = pe,
                IsWoven = reader.ManifestResources.Any(r =>
                    reader.StringComparer.Equals(reader.GetManifestResource(r).Name, GuardManifest.ResourceName)),
            };
            surface.Index(reader);
            return surface;
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void Index(MetadataReader metadata)
    {
        reader = metadata;
        var names = new TypeNameProvider(reader);
        sigs = new SigTypes(reader, names);
        foreach (var t in reader.TypeDefinitions)
        {
            var type = reader.GetTypeDefinition(t);
            var typeName = names.Of(t);
            baseTypes[typeName] = BaseOf(reader, names, type.BaseType);
            var b = type.BaseType.Kind == HandleKind.TypeReference ? names.Of((TypeReferenceHandle)type.BaseType) : "";
            types[typeName] = (new TypeInfo(true, b is "System.ValueType" or "System.Enum",
                b is "System.MulticastDelegate" or "System.Delegate", b == "System.Enum"), t);
            var accessors = new HashSet<MethodDefinitionHandle>();
            foreach (var p in type.GetProperties())
                if (Marked(reader, reader.GetPropertyDefinition(p).GetCustomAttributes()))
                    foreach (var a in new[] { reader.GetPropertyDefinition(p).GetAccessors().Getter,
                                 reader.GetPropertyDefinition(p).GetAccessors().Setter }) accessors.Add(a);
            foreach (var e in type.GetEvents())
                if (Marked(reader, reader.GetEventDefinition(e).GetCustomAttributes()))
                {
                    var a = reader.GetEventDefinition(e).GetAccessors();
                    accessors.UnionWith([a.Adder, a.Remover, a.Raiser]);
                }
            bool all = Marked(reader, type.GetCustomAttributes());
            foreach (var m in type.GetMethods())
            {
                var method = reader.GetMethodDefinition(m);
                var key = Key(reader.GetString(method.Name), method.DecodeSignature(sigs, default));
                members[typeName + "::" + key] = all || accessors.Contains(m) || Marked(reader, method.GetCustomAttributes());
            }
        }
    }

    private static (string, string)? BaseOf(MetadataReader reader, TypeNameProvider names, EntityHandle b)
    {
        if (b.IsNil) return null;
        if (b.Kind == HandleKind.TypeSpecification)
        {
            var blob = reader.GetBlobReader(reader.GetTypeSpecification((TypeSpecificationHandle)b).Signature);
            if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance) return null;
            blob.ReadByte();
            b = blob.ReadTypeHandle();
        }
        if (b.Kind == HandleKind.TypeDefinition) return ("", names.Of((TypeDefinitionHandle)b));
        if (b.Kind != HandleKind.TypeReference) return null;
        var scope = reader.GetTypeReference((TypeReferenceHandle)b).ResolutionScope;
        while (scope.Kind == HandleKind.TypeReference) scope = reader.GetTypeReference((TypeReferenceHandle)scope).ResolutionScope;
        if (scope.Kind != HandleKind.AssemblyReference) return null;
        var assembly = reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)scope).Name);
        return TypeFacts.IsFramework(assembly) ? null : (assembly, names.Of((TypeReferenceHandle)b));
    }

    // [GuardRuntime.ModuleExport] from the GuardRuntime assembly itself: a module cannot mark a host member.
    private static bool Marked(MetadataReader reader, CustomAttributeHandleCollection attributes)
    {
        foreach (var h in attributes)
        {
            var ctor = reader.GetCustomAttribute(h).Constructor;
            if (ctor.Kind != HandleKind.MemberReference) continue;
            var parent = reader.GetMemberReference((MemberReferenceHandle)ctor).Parent;
            if (parent.Kind != HandleKind.TypeReference) continue;
            var type = reader.GetTypeReference((TypeReferenceHandle)parent);
            if (!reader.StringComparer.Equals(type.Name, nameof(ModuleExportAttribute))
                || !reader.StringComparer.Equals(type.Namespace, "GuardRuntime")
                || type.ResolutionScope.Kind != HandleKind.AssemblyReference) continue;
            var scope = reader.GetAssemblyReference((AssemblyReferenceHandle)type.ResolutionScope);
            if (reader.StringComparer.Equals(scope.Name, typeof(ModuleExportAttribute).Assembly.GetName().Name!)) return true;
        }
        return false;
    }
}
