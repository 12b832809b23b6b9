using System.Reflection;
using GuardRuntime.Abi;

namespace GuardRuntime.CodeGeneration;

/// <summary>Where a member named by generated code comes from, judged as the weaver judges a compiled reference.</summary>
internal enum Origin
{
    /// <summary>The generating module's own assembly: woven code.</summary>
    Own,
    /// <summary>The shared framework: the effect model decides.</summary>
    Framework,
    /// <summary>The guard or memoization runtimes: never named by generated code.</summary>
    Runtime,
    /// <summary>Another module's woven assembly: its code is guarded; a call is a host call (call rules).</summary>
    Woven,
    /// <summary>The host: exported members only, with the host-call check.</summary>
    Host,
}

/// <summary>Classifies the assemblies and members that generated code refers to.</summary>
internal static class EmittedMembers
{
    public static Origin OriginOf(Assembly assembly, ModuleGuard module)
    {
        if (assembly == module.Assembly) return Origin.Own;
        var name = assembly.GetName().Name;
        if (AbiDescriptor.IsRuntimeAssembly(name)) return Origin.Runtime;
        if (ModuleRegistry.Find(assembly) is not null || IsWoven(assembly)) return Origin.Woven;
        // The weaver's test of the shared framework (Weaver.Engine.Pipeline.Framework), on a loaded assembly.
        return name is null or "netstandard" or "mscorlib" or "System"
               || name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Microsoft.", StringComparison.Ordinal)
            ? Origin.Framework : Origin.Host;
    }

    private static bool IsWoven(Assembly assembly) =>
        assembly.GetCustomAttributesData().Any(a => a.AttributeType == typeof(AssemblyMetadataAttribute)
            && a.ConstructorArguments.Count == 2 && a.ConstructorArguments[0].Value as string == "Weaver.Woven");

    /// <summary>Whether the host exported <paramref name="method"/> (<see cref="ModuleExportAttribute"/>, as the weaver reads it).</summary>
    public static bool IsExported(MethodBase method)
    {
        if (method.IsDefined(typeof(ModuleExportAttribute), false)) return true;
        var type = method.DeclaringType;
        if (type is null) return false;
        if (type.IsDefined(typeof(ModuleExportAttribute), false)) return true;
        if (!method.IsSpecialName) return false;
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        return type.GetProperties(all).Any(p => (p.GetMethod == method || p.SetMethod == method) && p.IsDefined(typeof(ModuleExportAttribute), false))
               || type.GetEvents(all).Any(e => (e.AddMethod == method || e.RemoveMethod == method) && e.IsDefined(typeof(ModuleExportAttribute), false));
    }

    /// <summary>Whether the type is one of the weaver's injected holders (the module handle, memo tables).</summary>
    public static bool IsWeaverInjected(Type? type)
    {
        for (; type is not null; type = type.DeclaringType)
            if (type.Name.StartsWith("<Weaver", StringComparison.Ordinal) || type.Name.StartsWith("<Kcr", StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>Whether a member is public, on a public (or nested-public) type: reachable by compiled code anywhere.</summary>
    public static bool IsPublic(MemberInfo member)
    {
        bool visible = member switch
        {
            MethodBase m => m.IsPublic,
            FieldInfo f => f.IsPublic,
            _ => false,
        };
        for (var t = member.DeclaringType; visible && t is not null; t = t.DeclaringType)
            visible = t.IsPublic || t.IsNestedPublic;
        return visible;
    }

    // Types whose members forge references, free memory or write where no extent can be bounded, as the weaver treats
    // an unclassified member of them (docs/escape-hatches.md): generated code may not call them at all.
    private static readonly string[] LowLevel =
    [
        "System.Runtime.CompilerServices.Unsafe", "System.Runtime.CompilerServices.RuntimeHelpers", "System.Buffer",
        "System.Threading.Interlocked", "System.Threading.Volatile", "System.Runtime.InteropServices.",
        "System.Runtime.Intrinsics.", "System.Runtime.CompilerServices.CallSite",
    ];

    public static bool IsLowLevel(Type type)
    {
        var name = DynamicTargets.TypeName(type);
        return LowLevel.Any(p => p.EndsWith('.') ? name.StartsWith(p, StringComparison.Ordinal) : name == p);
    }
}
