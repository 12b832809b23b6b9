using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using GuardRuntime.Abi;

namespace GuardRuntime.Verification;

/// <summary>A field a store names: its target name as the manifest writes it, and its declaring type.</summary>
internal sealed record FieldFacts(string Name, string? Assembly, EntityHandle Parent, bool IsStatic);

/// <summary>
/// What the rules need to know about one module's metadata, computed once: the ABI op of every member reference,
/// names of fields and callees, the guard holder, the memo tables, and the module-level rules (references to the
/// runtimes, forwarders, native code). Names are computed per token, on first use, and cached.
/// </summary>
internal sealed class ModuleIndex
{
    public readonly MetadataReader Reader;
    public readonly string AssemblyName;
    public readonly TypeNameProvider Names;
    public readonly SigTypes Sigs;
    public readonly TypeFacts Facts;
    public readonly IReadOnlyList<string> HostDirectories;
    public FieldDefinitionHandle HolderField;
    public TypeDefinitionHandle Holder;
    public MethodDefinitionHandle HolderCctor;
    public readonly HashSet<FieldDefinitionHandle> MemoTables = [];
    private readonly AbiOp[] memberOps;
    private readonly TokenCache<FieldFacts> fields;
    private readonly TokenCache<CallFacts> calls;
    private readonly TokenCache<string> typeNames;
    private Dictionary<EntityHandle, bool>? valueTypes;
    private readonly Report report;

    public ModuleIndex(MetadataReader reader, Report report, IReadOnlyList<string> hostDirectories)
    {
        Reader = reader;
        this.report = report;
        HostDirectories = hostDirectories;
        AssemblyName = reader.IsAssembly ? reader.GetString(reader.GetAssemblyDefinition().Name) : "";
        Names = new TypeNameProvider(reader);
        Sigs = new SigTypes(reader, Names);
        Facts = new TypeFacts(this);
        (fields, calls, typeNames) = (new(reader), new(reader), new(reader));
        memberOps = new AbiOp[reader.GetTableRowCount(TableIndex.MemberRef) + 1];
        CheckReferences();
        FindHolderAndTables();
    }

    /// <summary>The ABI op a call or ldftn token names (None for anything outside the ABI).</summary>
    public AbiOp OpOf(int token)
    {
        var handle = MetadataTokens.EntityHandle(token);
        if (handle.Kind == HandleKind.MethodSpecification)
            handle = Reader.GetMethodSpecification((MethodSpecificationHandle)handle).Method;
        return handle.Kind == HandleKind.MemberReference ? memberOps[MetadataTokens.GetRowNumber(handle)] : AbiOp.None;
    }

    /// <summary>The simple name of the assembly that defines <paramref name="type"/> (this module's for definitions).</summary>
    public string? ScopeOf(EntityHandle type)
    {
        switch (type.Kind)
        {
            case HandleKind.TypeDefinition: return AssemblyName;
            case HandleKind.TypeSpecification: return GenericDefinition((TypeSpecificationHandle)type) is { IsNil: false } d ? ScopeOf(d) : null;
            case HandleKind.TypeReference:
                var scope = Reader.GetTypeReference((TypeReferenceHandle)type).ResolutionScope;
                return scope.Kind switch
                {
                    HandleKind.TypeReference => ScopeOf(scope),
                    HandleKind.AssemblyReference => Reader.GetString(Reader.GetAssemblyReference((AssemblyReferenceHandle)scope).Name),
                    HandleKind.ModuleDefinition => AssemblyName,
                    _ => null,
                };
            default: return null;
        }
    }

    /// <summary>The generic type a <c>GENERICINST</c> type specification instantiates, or nil.</summary>
    public EntityHandle GenericDefinition(TypeSpecificationHandle spec) => GenericDefinition(spec, out _);

    private EntityHandle GenericDefinition(TypeSpecificationHandle spec, out bool valueType)
    {
        var blob = Reader.GetBlobReader(Reader.GetTypeSpecification(spec).Signature);
        valueType = false;
        if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance) return default;
        valueType = blob.ReadByte() == (byte)SignatureTypeKind.ValueType;
        return blob.ReadTypeHandle();
    }

    /// <summary>The reflection name of a type token, the open definition's for generic instances.</summary>
    public string TypeName(EntityHandle type) => type.Kind switch
    {
        HandleKind.TypeDefinition => Names.Of((TypeDefinitionHandle)type),
        HandleKind.TypeReference => Names.Of((TypeReferenceHandle)type),
        HandleKind.TypeSpecification when GenericDefinition((TypeSpecificationHandle)type) is { IsNil: false } d => TypeName(d),
        _ => "?",
    };

    /// <summary>A type token rendered in full (<c>sizeof</c>, <c>stobj</c> operands), for comparing with signatures.</summary>
    public string TypeString(int token)
    {
        ref var name = ref typeNames.Slot(token);
        if (name is not null) return name;
        var handle = MetadataTokens.EntityHandle(token);
        name = handle.Kind == HandleKind.TypeSpecification
            ? Reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(Names, default)
            : TypeName(handle);
        return name;
    }

    /// <summary>Whether a type is a value type: from its base type when it is defined here, else from signatures.</summary>
    public bool? IsValueType(EntityHandle type)
    {
        if (valueTypeCache.TryGetValue(type, out var cached)) return cached;
        return valueTypeCache[type] = ComputeIsValueType(type);
    }

    private readonly Dictionary<EntityHandle, bool?> valueTypeCache = [];

    private bool? ComputeIsValueType(EntityHandle type)
    {
        if (type.Kind == HandleKind.TypeSpecification)
        {
            GenericDefinition((TypeSpecificationHandle)type, out bool value);
            return value;
        }
        if (type.Kind == HandleKind.TypeDefinition)
        {
            var baseType = Reader.GetTypeDefinition((TypeDefinitionHandle)type).BaseType;
            if (baseType.IsNil) return false;
            var baseName = TypeName(baseType);
            return (baseName is "System.ValueType" or "System.Enum") && TypeName(type) != "System.Enum";
        }
        if (valueTypes is null) CollectValueTypes();
        return valueTypes!.TryGetValue(type, out var known) ? known : null;
    }

    /// <summary>The storage class of an enum defined here (its <c>value__</c> field's), or null for other types.</summary>
    public string? EnumUnderlying(TypeDefinitionHandle type)
    {
        var definition = Reader.GetTypeDefinition(type);
        if (definition.BaseType.IsNil || TypeName(definition.BaseType) != "System.Enum") return null;
        foreach (var f in definition.GetFields())
        {
            var field = Reader.GetFieldDefinition(f);
            if ((field.Attributes & System.Reflection.FieldAttributes.Static) == 0)
                return MethodVerifier.Primitive(field.DecodeSignature(Names, default));
        }
        return null;
    }

    public FieldFacts Field(int token)
    {
        ref var facts = ref fields.Slot(token);
        if (facts is not null) return facts;
        var handle = MetadataTokens.EntityHandle(token);
        string name;
        EntityHandle parent;
        bool isStatic = false;
        if (handle.Kind == HandleKind.FieldDefinition)
        {
            var f = Reader.GetFieldDefinition((FieldDefinitionHandle)handle);
            parent = f.GetDeclaringType();
            name = Reader.GetString(f.Name);
            isStatic = (f.Attributes & System.Reflection.FieldAttributes.Static) != 0;
        }
        else
        {
            var m = Reader.GetMemberReference((MemberReferenceHandle)handle);
            parent = m.Parent;
            name = Reader.GetString(m.Name);
        }
        return facts = new FieldFacts(TypeName(parent) + "::" + name, ScopeOf(parent), parent, isStatic);
    }

    /// <summary>What a call token names, judged under the call's generic arguments (CallEffects.cs, HostSurface.cs).</summary>
    public CallFacts Call(int token)
    {
        ref var facts = ref calls.Slot(token);
        if (facts is not null) return facts;
        var handle = MetadataTokens.EntityHandle(token);
        var methodArgs = ImmutableArray<SigType>.Empty;
        if (handle.Kind == HandleKind.MethodSpecification)
        {
            var spec = Reader.GetMethodSpecification((MethodSpecificationHandle)handle);
            methodArgs = spec.DecodeSignature(Sigs, default);
            handle = spec.Method;
        }
        if (handle.Kind != HandleKind.MemberReference) return facts = CallFacts.Self(handle.Kind == HandleKind.MethodDefinition);
        var m = Reader.GetMemberReference((MemberReferenceHandle)handle);
        // A method of an array type (T[,]::Set, ::Address) belongs to the framework: unclassified, it is checked whole.
        var scope = m.Parent.Kind is HandleKind.TypeReference or HandleKind.TypeSpecification ? ScopeOf(m.Parent) : null;
        if (scope == AssemblyName) return facts = CallFacts.Self(true);
        var parent = Parent(m.Parent);
        if (parent.Kind == SigKind.Array) scope = "System.Runtime";
        if (scope is null) return facts = CallFacts.Self(false);
        if (m.GetKind() != MemberReferenceKind.Method) return facts = CallFacts.Self(false);
        var typeArgs = parent.Kind == SigKind.Instance ? parent.Args : [];
        var name = Reader.GetString(m.Name);
        var open = m.DecodeMethodSignature(Sigs, default);
        var closed = typeArgs.IsEmpty && methodArgs.IsEmpty ? open : m.DecodeMethodSignature(Sigs, new SigScope(typeArgs, methodArgs));
        var model = string.Join(",", open.ParameterTypes.Select(p => p.Model));
        // A framework member over framework types only is judged the same in every module: once per process.
        if (TypeFacts.IsFramework(scope) && FrameworkOnly(parent) && closed.ParameterTypes.All(FrameworkOnly)
            && methodArgs.All(FrameworkOnly))
        {
            var key = string.Join("|", scope, parent.Text, name, open.Header.IsInstance ? "i" : "s", model,
                string.Join(",", closed.ParameterTypes.Select(p => p.Text)), string.Join(",", methodArgs.Select(a => a.Text)));
            var (f, p, n, i, c, a) = (Facts, parent, name, open.Header.IsInstance, closed.ParameterTypes, methodArgs);
            return facts = SharedFacts.GetOrAdd(key, _ => CallEffects.Classify(f, scope, p, n, i, c, model, a));
        }
        facts = CallEffects.Classify(Facts, scope, parent, name, open.Header.IsInstance, closed.ParameterTypes, model,
            methodArgs);
        if (facts.Host && HostSurface.Find(scope, HostDirectories) is { IsWoven: false } host
            && host.Exported(parent.DefinitionName ?? parent.Text, HostSurface.Key(name, open), HostDirectories) != true)
            facts = facts with
            {
                Refusal = $"{facts.Target} is a member of the host assembly '{scope}' that the host does not export " +
                          "with [ModuleExport] (matched by its full signature)",
            };
        return facts;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, CallFacts> SharedFacts =
        new(StringComparer.Ordinal);

    // Whether a signature type names only the framework's types (and generic parameters, which are judged by shape).
    private bool FrameworkOnly(SigType t) => t.Kind switch
    {
        SigKind.Primitive or SigKind.Parameter => true,
        SigKind.Byref or SigKind.Pointer or SigKind.Array or SigKind.Modified => FrameworkOnly(t.Element!),
        SigKind.Named => t.Handle.Kind == HandleKind.TypeReference && TypeFacts.IsFramework(ScopeOf(t.Handle)),
        SigKind.Instance => FrameworkOnly(t.Element!) && t.Args.All(FrameworkOnly),
        _ => false,
    };

    /// <summary>A member reference's parent as a signature type (a type reference gets its class/valuetype tag).</summary>
    public SigType Parent(EntityHandle parent) => parent.Kind switch
    {
        HandleKind.TypeSpecification => Reader.GetTypeSpecification((TypeSpecificationHandle)parent).DecodeSignature(Sigs, default),
        // A framework type's kind comes from the running framework (TypeFacts); others from the module's signatures.
        HandleKind.TypeReference => Sigs.GetTypeFromReference(Reader, (TypeReferenceHandle)parent,
            !TypeFacts.IsFramework(ScopeOf(parent)) && IsValueType(parent) == true ? (byte)SignatureTypeKind.ValueType : (byte)0),
        HandleKind.TypeDefinition => Sigs.GetTypeFromDefinition(Reader, (TypeDefinitionHandle)parent, 0),
        _ => new SigType(SigKind.Primitive, "?"),
    };

    // Metadata names a referenced type as class or value type only inside signatures: read them all once.
    private void CollectValueTypes()
    {
        var provider = new ValueTypeScan(valueTypes = []);
        for (int row = 1; row <= Reader.GetTableRowCount(TableIndex.TypeSpec); row++)
            Reader.GetTypeSpecification(MetadataTokens.TypeSpecificationHandle(row)).DecodeSignature(provider, default);
        foreach (var h in Reader.MemberReferences)
        {
            var m = Reader.GetMemberReference(h);
            if (m.GetKind() == MemberReferenceKind.Field) m.DecodeFieldSignature(provider, default);
            else m.DecodeMethodSignature(provider, default);
        }
        foreach (var h in Reader.FieldDefinitions) Reader.GetFieldDefinition(h).DecodeSignature(provider, default);
        foreach (var h in Reader.MethodDefinitions) Reader.GetMethodDefinition(h).DecodeSignature(provider, default);
        for (int row = 1; row <= Reader.GetTableRowCount(TableIndex.StandAloneSig); row++)
        {
            var sig = Reader.GetStandaloneSignature(MetadataTokens.StandaloneSignatureHandle(row));
            if (sig.GetKind() == StandaloneSignatureKind.LocalVariables) sig.DecodeLocalSignature(provider, default);
        }
    }

    // A module may name the runtimes only through the descriptor's members, and the host assemblies not at all.
    private void CheckReferences()
    {
        if (AbiDescriptor.IsRuntimeAssembly(AssemblyName))
            report.Module("identity",
                $"The module calls itself '{AssemblyName}', the name of a guard or cache runtime assembly.");
        foreach (var h in Reader.AssemblyReferences)
        {
            var name = Reader.GetString(Reader.GetAssemblyReference(h).Name);
            if (AbiDescriptor.HostAssemblies.Contains(name))
                report.Module("host-reference",
                    $"The module references the host runtime '{name}', which no module may reference.");
        }
        foreach (var h in Reader.TypeReferences)
            if (ScopeOf(h) is { } scope && AbiDescriptor.IsRuntimeAssembly(scope)
                && AbiDescriptor.RoleOf(scope, TypeName(h), null) is null or AbiRole.HostBase)
                report.Module("abi-nonmember",
                    $"The module references '{TypeName(h)}' of '{scope}', which is not part of the ABI.");
        foreach (var h in Reader.MemberReferences)
        {
            var m = Reader.GetMemberReference(h);
            if (m.Parent.Kind is not (HandleKind.TypeReference or HandleKind.TypeSpecification)) continue;
            if (ScopeOf(m.Parent) is not { } scope || !AbiDescriptor.IsRuntimeAssembly(scope)) continue;
            var type = TypeName(m.Parent);
            var member = Reader.GetString(m.Name);
            if (AbiDescriptor.RoleOf(scope, type, member) is { } role)
                memberOps[MetadataTokens.GetRowNumber(h)] = AbiOps.Of(type, member, role);
            else report.Module("abi-nonmember",
                $"The module references '{type}::{member}' of '{scope}', which is not part of the ABI.");
        }
        foreach (var h in Reader.ExportedTypes)
        {
            var e = Reader.GetExportedType(h);
            if (e.Implementation.Kind == HandleKind.AssemblyReference
                && Reader.GetString(Reader.GetAssemblyReference((AssemblyReferenceHandle)e.Implementation).Name) is var to
                && AbiDescriptor.IsRuntimeAssembly(to))
                report.Module("forwarder",
                    $"The module forwards '{Reader.GetString(e.Namespace)}.{Reader.GetString(e.Name)}' to the runtime '{to}'.");
        }
    }

    private void FindHolderAndTables()
    {
        foreach (var t in Reader.TypeDefinitions)
        {
            var type = Reader.GetTypeDefinition(t);
            if (Reader.StringComparer.Equals(type.Name, "<WeaverGuard>") && type.GetDeclaringType().IsNil)
            {
                if (!Holder.IsNil) report.Module("holder", "The module defines more than one <WeaverGuard> holder.");
                Holder = t;
            }
            foreach (var f in type.GetFields())
                if (IsMemoTableField(Reader.GetFieldDefinition(f))) MemoTables.Add(f);
        }
        if (Holder.IsNil) return;
        var holder = Reader.GetTypeDefinition(Holder);
        var holderFields = holder.GetFields();
        var methods = holder.GetMethods();
        foreach (var f in holderFields) HolderField = f;
        foreach (var m in methods) HolderCctor = m;
        const System.Reflection.FieldAttributes need = System.Reflection.FieldAttributes.Static | System.Reflection.FieldAttributes.InitOnly;
        bool fieldOk = holderFields.Count == 1 && Reader.GetFieldDefinition(HolderField) is var field
            && Reader.StringComparer.Equals(field.Name, "Module") && (field.Attributes & need) == need
            && field.DecodeSignature(Names, default) == typeof(GuardRuntime.ModuleHandle).FullName;
        bool cctorOk = methods.Count == 1 && Reader.StringComparer.Equals(Reader.GetMethodDefinition(HolderCctor).Name,
            ".cctor");
        if (!fieldOk || !cctorOk || holder.GetNestedTypes().Length > 0)
        {
            report.Module("holder",
                "The <WeaverGuard> holder must have exactly one field 'static initonly ModuleHandle Module', " +
                "one method (its static constructor) and no nested type.");
            HolderField = default;
        }
    }

    // static initonly MemoTable<TKey, TResult>: the only receiver the memoization ABI accepts.
    private bool IsMemoTableField(FieldDefinition field)
    {
        const System.Reflection.FieldAttributes need = System.Reflection.FieldAttributes.Static | System.Reflection.FieldAttributes.InitOnly;
        if ((field.Attributes & need) != need) return false;
        var blob = Reader.GetBlobReader(field.Signature);
        if (blob.ReadSignatureHeader().Kind != SignatureKind.Field) return false;
        if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance
            || blob.ReadByte() != (byte)SignatureTypeKind.Class) return false;
        var type = blob.ReadTypeHandle();
        return ScopeOf(type) == AbiDescriptor.KcrAbiAssembly.GetName().Name
            && TypeName(type) == typeof(KcrRuntime.MemoTable<,>).FullName;
    }
}

/// <summary>Facts per metadata token, in one array per table indexed by row: no hashing, no boxing.</summary>
internal sealed class TokenCache<T>(MetadataReader reader) where T : class
{
    private readonly T?[]?[] tables = new T?[]?[64];
    private T? spare;

    /// <summary>The slot of <paramref name="token"/>; a token outside the tables gets one that is not kept.</summary>
    public ref T? Slot(int token)
    {
        spare = null;
        int table = (int)((uint)token >> 24), row = token & 0xffffff;
        if (table >= tables.Length) return ref spare;
        var rows = tables[table] ??= new T?[reader.GetTableRowCount((TableIndex)table) + 1];
        return ref (uint)row < (uint)rows.Length ? ref rows[row] : ref spare;
    }
}
