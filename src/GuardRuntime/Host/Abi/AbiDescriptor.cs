using System.Collections.Frozen;
using System.Reflection;
using KcrRuntime;

namespace GuardRuntime.Abi;

/// <summary>What a reference from a module to one of the runtimes' ABI members is for.</summary>
public enum AbiRole
{
    /// <summary>A type woven code names in signatures, fields and locals (the module handle, memo tables, keys).</summary>
    Type,
    /// <summary><see cref="Guard.Register"/>: called once, from the injected guard holder's static constructor.</summary>
    GuardRegistration,
    /// <summary>A guard check (<c>Guard.Store*</c>, <c>Guard.Call</c>): emitted before a store, an address or a call.</summary>
    GuardCheck,
    /// <summary>
    /// Fault containment (<c>Guard.Contain</c>, <c>Guard.ContainHandler</c>, <c>Guard.FaultAsyncVoid</c>): wraps a
    /// delegate argument of a framework call, or replaces <c>AsyncVoidMethodBuilder.SetException</c>.
    /// </summary>
    Containment,
    /// <summary>A member of the memoization ABI, emitted in memoizing wrappers and after static stores.</summary>
    Memoization,
    /// <summary>An annotation a module's own source may carry (<c>[Memoize]</c>): the only member an input may use.</summary>
    Annotation,
    /// <summary>
    /// Public only so that the host runtime can derive from it (<see cref="CompiledChecks"/>); woven code never names
    /// it, and neither the weaver nor the verifier accepts a reference to it.
    /// </summary>
    HostBase,
    /// <summary>
    /// A code-generation or loading shim (<c>CodeGenerationShims.*</c>): replaces a module's call to a framework member
    /// that generates or loads code, with the module's handle appended; it checks at run time what the code does.
    /// </summary>
    CodeGeneration,
    /// <summary>
    /// A reflection shim (<c>ReflectionShims.*</c>): replaces a module's call to a framework member that writes, calls or
    /// binds by reflection, with the weaver's site and the module's handle appended; it resolves the member at run time and
    /// checks it as the compiled store or call would be checked.
    /// </summary>
    Reflection,
}

/// <summary>One ABI member: its declaring type, its metadata name (<c>.ctor</c> for constructors) and its role.</summary>
/// <param name="DeclaringType">The type that declares it (open generic for <c>MemoTable&lt;TKey, TResult&gt;</c>).</param>
/// <param name="Name">The member's metadata name, or null for the type itself.</param>
/// <param name="Role">What woven code uses it for.</param>
public sealed record AbiMember(Type DeclaringType, string? Name, AbiRole Role)
{
    /// <summary>The declaring type's metadata full name (<c>KcrRuntime.MemoTable`2</c>).</summary>
    public string TypeName => DeclaringType.FullName!;
}

/// <summary>
/// The single description of the boundary between woven code and the runtimes, shared by the weaver (what it may emit,
/// what an input may reference), the inspector, the load-time verifier and a test that resolves every member.
/// A module may reference the runtimes only through these members, decided by assembly identity: any other reference
/// to the runtime assemblies (a call, <c>ldtoken</c>, <c>typeof</c>, an attribute, a generic argument, a base type,
/// a field type) is refused. The host assemblies (<see cref="HostAssemblies"/>) may not be referenced at all.
/// </summary>
public static class AbiDescriptor
{
    /// <summary>The guard ABI assembly (GuardRuntime.Abi).</summary>
    public static Assembly GuardAbiAssembly { get; } = typeof(Guard).Assembly;

    /// <summary>The memoization ABI assembly (KcrRuntime.Abi).</summary>
    public static Assembly KcrAbiAssembly { get; } = typeof(MemoTable).Assembly;

    /// <summary>The simple names of the ABI assemblies, the only runtime assemblies a woven module references.</summary>
    public static FrozenSet<string> AbiAssemblies { get; } =
        new[] { GuardAbiAssembly, KcrAbiAssembly }.Select(a => a.GetName().Name!).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The simple names of the host runtimes, which no module may reference in any way.</summary>
    public static FrozenSet<string> HostAssemblies { get; } =
        new[] { typeof(AbiDescriptor).Assembly.GetName().Name!, HostBindingName }.ToFrozenSet(StringComparer.Ordinal);


    private const string HostBindingName = "KcrRuntime";

    /// <summary>Every runtime assembly: the ABI and the hosts.</summary>
    public static FrozenSet<string> RuntimeAssemblies { get; } =
        AbiAssemblies.Concat(HostAssemblies).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Every ABI member.</summary>
    public static IReadOnlyList<AbiMember> Members { get; } =
    [
        new(typeof(Guard), null, AbiRole.Type),
        new(typeof(ModuleHandle), null, AbiRole.Type),
        new(typeof(CompiledChecks), null, AbiRole.HostBase),
        new(typeof(Guard), nameof(Guard.Register), AbiRole.GuardRegistration),
        new(typeof(Guard), nameof(Guard.StoreField), AbiRole.GuardCheck),
        new(typeof(Guard), nameof(Guard.StoreStatic), AbiRole.GuardCheck),
        new(typeof(Guard), nameof(Guard.StoreElement), AbiRole.GuardCheck),
        new(typeof(Guard), nameof(Guard.StoreAddress), AbiRole.GuardCheck),
        new(typeof(Guard), nameof(Guard.StoreElements), AbiRole.GuardCheck),
        new(typeof(Guard), nameof(Guard.StoreSpan), AbiRole.GuardCheck),
        new(typeof(Guard), nameof(Guard.StoreObject), AbiRole.GuardCheck),
        new(typeof(Guard), nameof(Guard.Call), AbiRole.GuardCheck),
        new(typeof(Guard), nameof(Guard.Contain), AbiRole.Containment),
        new(typeof(Guard), nameof(Guard.ContainHandler), AbiRole.Containment),
        new(typeof(Guard), nameof(Guard.FaultAsyncVoid), AbiRole.Containment),
        new(typeof(Guard), nameof(Guard.FaultFinalizer), AbiRole.Containment),

        new(typeof(CodeGenerationShims), null, AbiRole.Type),
        .. CodeGenerationMembers.Select(name => new AbiMember(typeof(CodeGenerationShims), name, AbiRole.CodeGeneration)),

        new(typeof(ReflectionShims), null, AbiRole.Type),
        .. ReflectionMembers.Select(name => new AbiMember(typeof(ReflectionShims), name, AbiRole.Reflection)),
        // Reinterpreted references are checked where they are formed, by the reflection host: the same role.
        new(typeof(ReferenceShims), null, AbiRole.Type),
        new(typeof(ReferenceShims), nameof(ReferenceShims.As), AbiRole.Reflection),
        // The compiler's inline-array views, checked at run time (the body of each recognised helper calls its shim).
        new(typeof(InlineArrayShims), null, AbiRole.Type),
        .. InlineArrayMembers.Select(name => new AbiMember(typeof(InlineArrayShims), name, AbiRole.Reflection)),

        new(typeof(Memo), null, AbiRole.Type),
        new(typeof(MemoTable), null, AbiRole.Type),
        new(typeof(MemoTable<,>), null, AbiRole.Type),
        new(typeof(MemoSlot<,>), null, AbiRole.Type),
        new(typeof(MemoMiss), null, AbiRole.Type),
        new(typeof(MemoKey<>), null, AbiRole.Type),
        new(typeof(MemoKey<,>), null, AbiRole.Type),
        new(typeof(MemoKey<,,>), null, AbiRole.Type),
        new(typeof(MemoKey<,,,>), null, AbiRole.Type),
        new(typeof(MemoBuffer), null, AbiRole.Type),
        new(typeof(KcrOptions), null, AbiRole.Type),
        new(typeof(Memo), nameof(Memo.InvalidateDependents), AbiRole.Memoization),
        new(typeof(KcrOptions), nameof(KcrOptions.Create), AbiRole.Memoization),
        new(typeof(MemoTable), nameof(MemoTable.DependsOn), AbiRole.Memoization),
        new(typeof(MemoTable<,>), ConstructorInfo.ConstructorName, AbiRole.Memoization),
        new(typeof(MemoTable<,>), "get_" + nameof(MemoTable<int, int>.IsActive), AbiRole.Memoization),
        new(typeof(MemoTable<,>), nameof(MemoTable<int, int>.TryGet), AbiRole.Memoization),
        new(typeof(MemoTable<,>), nameof(MemoTable<int, int>.CreateSlot), AbiRole.Memoization),
        new(typeof(MemoTable<,>), nameof(MemoTable<int, int>.Lookup), AbiRole.Memoization),
        new(typeof(MemoTable<,>), nameof(MemoTable<int, int>.Add), AbiRole.Memoization),
        new(typeof(MemoKey<>), ConstructorInfo.ConstructorName, AbiRole.Memoization),
        new(typeof(MemoKey<,>), ConstructorInfo.ConstructorName, AbiRole.Memoization),
        new(typeof(MemoKey<,,>), ConstructorInfo.ConstructorName, AbiRole.Memoization),
        new(typeof(MemoKey<,,,>), ConstructorInfo.ConstructorName, AbiRole.Memoization),
        new(typeof(MemoBuffer), nameof(MemoBuffer.Of), AbiRole.Memoization),

        new(typeof(MemoizeAttribute), null, AbiRole.Annotation),
        new(typeof(MemoizeAttribute), ConstructorInfo.ConstructorName, AbiRole.Annotation),
    ];

    // Every shim name (overloads share one): a weaver-emitted call that replaces a framework call (docs/escape-hatches.md).
    private static string[] CodeGenerationMembers =>
    [
        nameof(CodeGenerationShims.NewDynamicMethod), nameof(CodeGenerationShims.GetILGenerator),
        nameof(CodeGenerationShims.CompileLambda), nameof(CodeGenerationShims.Compile),
        nameof(CodeGenerationShims.Load), nameof(CodeGenerationShims.LoadWithPartialName),
        nameof(CodeGenerationShims.LoadFrom), nameof(CodeGenerationShims.LoadFile), nameof(CodeGenerationShims.UnsafeLoadFrom),
        nameof(CodeGenerationShims.LoadFromAssemblyPath), nameof(CodeGenerationShims.LoadFromStream),
        nameof(CodeGenerationShims.LoadFromAssemblyName), nameof(CodeGenerationShims.AppDomainLoad),
        nameof(CodeGenerationShims.Refused),
    ];

    private static string[] InlineArrayMembers =>
    [
        nameof(InlineArrayShims.InlineArrayAsSpan), nameof(InlineArrayShims.InlineArrayAsReadOnlySpan),
        nameof(InlineArrayShims.InlineArrayElementRef), nameof(InlineArrayShims.InlineArrayElementRefReadOnly),
        nameof(InlineArrayShims.InlineArrayFirstElementRef), nameof(InlineArrayShims.InlineArrayFirstElementRefReadOnly),
    ];

    // Every reflection shim name (overloads share one).
    private static string[] ReflectionMembers =>
    [
        nameof(ReflectionShims.SetValue), nameof(ReflectionShims.GetValue), nameof(ReflectionShims.Invoke),
        nameof(ReflectionShims.Construct), nameof(ReflectionShims.CreateInstance), nameof(ReflectionShims.GetUninitializedObject),
        nameof(ReflectionShims.CreateDelegate), nameof(ReflectionShims.BindDelegate), nameof(ReflectionShims.Refused),
    ];

    private static readonly FrozenDictionary<(string Type, string? Name), AbiRole> ByName =
        Members.ToFrozenDictionary(m => (m.TypeName, m.Name), m => m.Role);

    /// <summary>Whether an assembly simple name is one of the runtimes (ABI or host).</summary>
    public static bool IsRuntimeAssembly(string? simpleName) => simpleName is not null && RuntimeAssemblies.Contains(simpleName);

    /// <summary>
    /// The role of the member <paramref name="memberName"/> (null for the type itself) of the ABI type named
    /// <paramref name="typeFullName"/> (metadata form, <c>KcrRuntime.MemoTable`1</c>) in assembly
    /// <paramref name="assemblySimpleName"/>, or null when it is not part of the ABI.
    /// </summary>
    public static AbiRole? RoleOf(string? assemblySimpleName, string typeFullName, string? memberName)
    {
        if (assemblySimpleName is null || !AbiAssemblies.Contains(assemblySimpleName)) return null;
        return ByName.TryGetValue((typeFullName, memberName), out var role) ? role : null;
    }
}
