using System.Collections.Concurrent;
using System.Reflection.Metadata;
using System.Runtime.CompilerServices;

namespace GuardRuntime.Verification;

/// <summary>What a named type is, as far as a call's effects go.</summary>
internal readonly record struct TypeInfo(bool Known, bool ValueType, bool Delegate, bool Enum);

/// <summary>
/// Facts about the types a module's signatures name: its own types from its metadata, host types from the host's
/// metadata (HostSurface), framework types from the running framework (the verifier runs in the host, on the framework
/// the module will run on), looked up once per process. An unknown type is answered conservatively by the callers (an object that may be written, a struct that
/// may hold references).
/// </summary>
internal sealed class TypeFacts(ModuleIndex index)
{
    private static readonly ConcurrentDictionary<(string Assembly, string Type), Type?> Runtime = new();
    private readonly Dictionary<EntityHandle, TypeInfo> own = [];

    /// <summary>The shared framework by name, as the weaver and the module load context decide it.</summary>
    public static bool IsFramework(string? scope) =>
        scope is "netstandard" or "mscorlib" or "System" || scope is not null
        && (scope.StartsWith("System.", StringComparison.Ordinal) || scope.StartsWith("Microsoft.", StringComparison.Ordinal));

    /// <summary>A framework type, from the framework the process runs on (non-framework types come from metadata).</summary>
    public static Type? RuntimeType(string assembly, string name) => Runtime.GetOrAdd((assembly, name), static key =>
        IsFramework(key.Assembly) ? Type.GetType(key.Type + ", " + key.Assembly, throwOnError: false) : null);

    public TypeInfo Info(SigType type)
    {
        type = type.Bare;
        if (type.Kind is not (SigKind.Named or SigKind.Instance)) return default;
        var h = type.Handle;
        if (own.TryGetValue(h, out var info)) return info;
        if (h.Kind == HandleKind.TypeDefinition)
        {
            var baseType = index.Reader.GetTypeDefinition((TypeDefinitionHandle)h).BaseType;
            var b = baseType.IsNil ? "" : index.TypeName(baseType);
            info = new(true, b is "System.ValueType" or "System.Enum", b is "System.MulticastDelegate" or "System.Delegate",
                b == "System.Enum");
        }
        else if (index.ScopeOf(h) is not { } scope) info = new(false, type.ValueType, false, false);
        else if (IsFramework(scope) && RuntimeType(scope, type.DefinitionName!) is { } t)
            info = new(true, t.IsValueType, typeof(Delegate).IsAssignableFrom(t), t.IsEnum);
        else if (!IsFramework(scope) && HostSurface.Find(scope, index.HostDirectories)?.Info(type.DefinitionName!) is { } host)
            info = host;
        else info = new(false, type.ValueType, false, false);
        return own[h] = info;
    }

    /// <summary>Whether a value of <paramref name="type"/> may hold an object reference or a byref (unknown: yes).</summary>
    public bool ContainsReferences(SigType type, int depth = 0)
    {
        type = type.Bare;
        if (depth > 16) return true;
        switch (type.Kind)
        {
            case SigKind.Pointer or SigKind.FunctionPointer: return false;
            case SigKind.Byref or SigKind.Array or SigKind.Parameter: return true;
            case SigKind.Primitive: return type.Text is "System.String" or "System.Object" or "System.TypedReference";
        }
        var info = Info(type);
        if (!info.Known || !info.ValueType) return true;
        if (info.Enum) return false;
        if (type.Handle.Kind == HandleKind.TypeDefinition) return OwnFieldsHold(type, depth);
        if (index.ScopeOf(type.Handle) is not { } s) return true;
        if (!IsFramework(s))
            return type.Kind == SigKind.Instance
                   || (HostSurface.Find(s, index.HostDirectories)?.HoldsReferences(type.Text, index.HostDirectories) ?? true);
        var runtime = RuntimeType(s, type.DefinitionName!);
        if (runtime is null) return true;
        if (type.Kind == SigKind.Instance)
        {
            var args = new Type[type.Args.Length];
            for (int i = 0; i < args.Length; i++)
                if (Closed(type.Args[i]) is { } a) args[i] = a;
                else return true;
            try { runtime = runtime.MakeGenericType(args); }
            catch (ArgumentException) { return true; }
        }
        return HoldsReferences(runtime);
    }

    private bool OwnFieldsHold(SigType type, int depth)
    {
        var definition = index.Reader.GetTypeDefinition((TypeDefinitionHandle)type.Handle);
        var scope = new SigScope(type.Kind == SigKind.Instance ? type.Args : [], []);
        foreach (var f in definition.GetFields())
        {
            var field = index.Reader.GetFieldDefinition(f);
            if ((field.Attributes & System.Reflection.FieldAttributes.Static) != 0) continue;
            if (ContainsReferences(field.DecodeSignature(index.Sigs, scope), depth + 1)) return true;
        }
        return false;
    }

    // A signature type as a closed runtime type, for framework generics over framework or primitive arguments.
    private Type? Closed(SigType t)
    {
        t = t.Bare;
        if (t.Kind == SigKind.Primitive) return Type.GetType(t.Text);
        if (t.Kind != SigKind.Named || index.ScopeOf(t.Handle) is not { } s || !IsFramework(s)) return null;
        return RuntimeType(s, t.Text);
    }

    private static readonly ConcurrentDictionary<Type, bool> Holds = new();

    public static bool HoldsReferences(Type t) => Holds.GetOrAdd(t, static t =>
    {
        if (t.ContainsGenericParameters) return true;
        try
        {
            return (bool)typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.IsReferenceOrContainsReferences))!
                .MakeGenericMethod(t).Invoke(null, null)!;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException
                                      or System.Reflection.TargetInvocationException) { return true; }
    });
}
