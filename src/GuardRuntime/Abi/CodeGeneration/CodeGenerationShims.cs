using System.ComponentModel;
using System.Linq.Expressions;
using System.Reflection;
using System.Reflection.Emit;

namespace GuardRuntime;

/// <summary>
/// Run-time code generation and code loading by woven modules. The weaver redirects a module's call to each member
/// named by <see cref="ReplacesAttribute"/> here, with the module's handle last; the host runtime decides: a
/// <see cref="DynamicMethod"/>'s IL is woven as it is emitted (every store preceded by its guard, every host call by
/// the host-call check, what cannot be checked refused), an expression tree is rewritten before it is compiled, and
/// an assembly is loaded only when it is woven and passes the load-time verifier. This is the weaver's ABI:
/// application code does not call these methods.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CodeGenerationShims
{
    // ---- DynamicMethod: the eight constructors, then its IL generator ---------------------------------------------

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(DynamicMethod), Constructor)]
    public static DynamicMethod NewDynamicMethod(string name, Type? returnType, Type[]? parameterTypes, ModuleHandle module) =>
        Host.NewDynamicMethod(module, name, Public, Standard, returnType, parameterTypes, null, null, false);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(DynamicMethod), Constructor)]
    public static DynamicMethod NewDynamicMethod(string name, Type? returnType, Type[]? parameterTypes,
        bool restrictedSkipVisibility, ModuleHandle module) =>
        Host.NewDynamicMethod(module, name, Public, Standard, returnType, parameterTypes, null, null, restrictedSkipVisibility);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(DynamicMethod), Constructor)]
    public static DynamicMethod NewDynamicMethod(string name, Type? returnType, Type[]? parameterTypes, Module m,
        ModuleHandle module) =>
        Host.NewDynamicMethod(module, name, Public, Standard, returnType, parameterTypes, null, m, false);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(DynamicMethod), Constructor)]
    public static DynamicMethod NewDynamicMethod(string name, Type? returnType, Type[]? parameterTypes, Module m,
        bool skipVisibility, ModuleHandle module) =>
        Host.NewDynamicMethod(module, name, Public, Standard, returnType, parameterTypes, null, m, skipVisibility);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(DynamicMethod), Constructor)]
    public static DynamicMethod NewDynamicMethod(string name, Type? returnType, Type[]? parameterTypes, Type owner,
        ModuleHandle module) =>
        Host.NewDynamicMethod(module, name, Public, Standard, returnType, parameterTypes, owner, null, false);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(DynamicMethod), Constructor)]
    public static DynamicMethod NewDynamicMethod(string name, Type? returnType, Type[]? parameterTypes, Type owner,
        bool skipVisibility, ModuleHandle module) =>
        Host.NewDynamicMethod(module, name, Public, Standard, returnType, parameterTypes, owner, null, skipVisibility);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(DynamicMethod), Constructor)]
    public static DynamicMethod NewDynamicMethod(string name, MethodAttributes attributes, CallingConventions callingConvention,
        Type? returnType, Type[]? parameterTypes, Module m, bool skipVisibility, ModuleHandle module) =>
        Host.NewDynamicMethod(module, name, attributes, callingConvention, returnType, parameterTypes, null, m, skipVisibility);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(DynamicMethod), Constructor)]
    public static DynamicMethod NewDynamicMethod(string name, MethodAttributes attributes, CallingConventions callingConvention,
        Type? returnType, Type[]? parameterTypes, Type owner, bool skipVisibility, ModuleHandle module) =>
        Host.NewDynamicMethod(module, name, attributes, callingConvention, returnType, parameterTypes, owner, null, skipVisibility);

    /// <summary>The method's IL generator: one that weaves every instruction as the module emits it.</summary>
    [Replaces(typeof(DynamicMethod), nameof(DynamicMethod.GetILGenerator))]
    public static ILGenerator GetILGenerator(DynamicMethod method, ModuleHandle module) =>
        Host.GetILGenerator(module, method, 64);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(DynamicMethod), nameof(DynamicMethod.GetILGenerator))]
    public static ILGenerator GetILGenerator(DynamicMethod method, int streamSize, ModuleHandle module) =>
        Host.GetILGenerator(module, method, streamSize);

    // dm.CreateDelegate(...) and dm.Invoke(...) bind to MethodInfo/MethodBase: the reflection shims take them
    // (GuardRuntime.ReflectionShims), and let a dynamic method run only if this module made it through the shims above.

    // ---- Expression trees: rewritten before they are compiled ----------------------------------------------------

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(LambdaExpression), nameof(LambdaExpression.Compile))]
    public static Delegate CompileLambda(LambdaExpression lambda, ModuleHandle module) =>
        Host.Compile(module, lambda, false);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(LambdaExpression), nameof(LambdaExpression.Compile))]
    public static Delegate CompileLambda(LambdaExpression lambda, bool preferInterpretation, ModuleHandle module) =>
        Host.Compile(module, lambda, preferInterpretation);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Expression<>), nameof(Expression<Action>.Compile))]
    public static TDelegate Compile<TDelegate>(Expression<TDelegate> lambda, ModuleHandle module) =>
        (TDelegate)(object)Host.Compile(module, lambda, false);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Expression<>), nameof(Expression<Action>.Compile))]
    public static TDelegate Compile<TDelegate>(Expression<TDelegate> lambda, bool preferInterpretation, ModuleHandle module) =>
        (TDelegate)(object)Host.Compile(module, lambda, preferInterpretation);

    // ---- Loading code: woven, verified assemblies only, into the module's own load context ----------------------

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Assembly), nameof(Assembly.Load))]
    public static Assembly Load(byte[] rawAssembly, ModuleHandle module) =>
        Host.LoadBytes(module, rawAssembly, null, "System.Reflection.Assembly::Load(System.Byte[])");

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Assembly), nameof(Assembly.Load))]
    public static Assembly Load(byte[] rawAssembly, byte[]? rawSymbolStore, ModuleHandle module) =>
        Host.LoadBytes(module, rawAssembly, rawSymbolStore, "System.Reflection.Assembly::Load(System.Byte[],System.Byte[])");

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Assembly), nameof(Assembly.Load))]
    public static Assembly Load(string assemblyString, ModuleHandle module) =>
        Host.LoadName(module, new AssemblyName(assemblyString), "System.Reflection.Assembly::Load(System.String)");

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Assembly), nameof(Assembly.Load))]
    public static Assembly Load(AssemblyName assemblyRef, ModuleHandle module) =>
        Host.LoadName(module, assemblyRef, "System.Reflection.Assembly::Load(System.Reflection.AssemblyName)");

#pragma warning disable CS0618, SYSLIB0018 // the obsolete member is what a module may call; it is loaded by name, checked
    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Assembly), nameof(Assembly.LoadWithPartialName))]
    public static Assembly? LoadWithPartialName(string partialName, ModuleHandle module) =>
        Host.LoadName(module, new AssemblyName(partialName), "System.Reflection.Assembly::LoadWithPartialName(System.String)");
#pragma warning restore CS0618, SYSLIB0018

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Assembly), nameof(Assembly.LoadFrom))]
    public static Assembly LoadFrom(string assemblyFile, ModuleHandle module) =>
        Host.LoadPath(module, assemblyFile, "System.Reflection.Assembly::LoadFrom(System.String)");

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Assembly), nameof(Assembly.LoadFile))]
    public static Assembly LoadFile(string path, ModuleHandle module) =>
        Host.LoadPath(module, path, "System.Reflection.Assembly::LoadFile(System.String)");

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Assembly), nameof(Assembly.UnsafeLoadFrom))]
    public static Assembly UnsafeLoadFrom(string assemblyFile, ModuleHandle module) =>
        Host.LoadPath(module, assemblyFile, "System.Reflection.Assembly::UnsafeLoadFrom(System.String)");

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(System.Runtime.Loader.AssemblyLoadContext), nameof(System.Runtime.Loader.AssemblyLoadContext.LoadFromAssemblyPath))]
    public static Assembly LoadFromAssemblyPath(System.Runtime.Loader.AssemblyLoadContext context, string assemblyPath,
        ModuleHandle module) =>
        Host.LoadPath(module, assemblyPath, "System.Runtime.Loader.AssemblyLoadContext::LoadFromAssemblyPath(System.String)");

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(System.Runtime.Loader.AssemblyLoadContext), nameof(System.Runtime.Loader.AssemblyLoadContext.LoadFromStream))]
    public static Assembly LoadFromStream(System.Runtime.Loader.AssemblyLoadContext context, Stream assembly, ModuleHandle module) =>
        Host.LoadStream(module, assembly, null, "System.Runtime.Loader.AssemblyLoadContext::LoadFromStream(System.IO.Stream)");

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(System.Runtime.Loader.AssemblyLoadContext), nameof(System.Runtime.Loader.AssemblyLoadContext.LoadFromStream))]
    public static Assembly LoadFromStream(System.Runtime.Loader.AssemblyLoadContext context, Stream assembly,
        Stream? assemblySymbols, ModuleHandle module) =>
        Host.LoadStream(module, assembly, assemblySymbols,
            "System.Runtime.Loader.AssemblyLoadContext::LoadFromStream(System.IO.Stream,System.IO.Stream)");

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(System.Runtime.Loader.AssemblyLoadContext), nameof(System.Runtime.Loader.AssemblyLoadContext.LoadFromAssemblyName))]
    public static Assembly LoadFromAssemblyName(System.Runtime.Loader.AssemblyLoadContext context, AssemblyName assemblyName,
        ModuleHandle module) =>
        Host.LoadName(module, assemblyName,
            "System.Runtime.Loader.AssemblyLoadContext::LoadFromAssemblyName(System.Reflection.AssemblyName)");

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(AppDomain), nameof(AppDomain.Load))]
    public static Assembly AppDomainLoad(AppDomain domain, byte[] rawAssembly, ModuleHandle module) =>
        Host.LoadBytes(module, rawAssembly, null, "System.AppDomain::Load(System.Byte[])");

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(AppDomain), nameof(AppDomain.Load))]
    public static Assembly AppDomainLoad(AppDomain domain, string assemblyString, ModuleHandle module) =>
        Host.LoadName(module, new AssemblyName(assemblyString), "System.AppDomain::Load(System.String)");

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(AppDomain), nameof(AppDomain.Load))]
    public static Assembly AppDomainLoad(AppDomain domain, AssemblyName assemblyRef, ModuleHandle module) =>
        Host.LoadName(module, assemblyRef, "System.AppDomain::Load(System.Reflection.AssemblyName)");

    // ---- What no check covers: refused at run time, at the call ------------------------------------------------

    /// <summary>
    /// Stands in for a code-generation or loading member that no check covers (<c>AssemblyBuilder</c>,
    /// <c>TypeBuilder</c>, <c>DynamicILInfo</c>, a new load context, a framework API that compiles an expression
    /// tree itself): the weaver pops the call's arguments and calls this, so the module fails at the call with an
    /// exception naming the module, the API and the reason, and a fallback path (serializers that fall back to
    /// reflection when emission fails) keeps working.
    /// </summary>
    public static T Refused<T>(string api, ModuleHandle module) => throw Host.Refusal(module, api, null!);

    /// <summary>As <see cref="Refused{T}"/> for a member that returns nothing.</summary>
    public static void Refused(string api, ModuleHandle module) => throw Host.Refusal(module, api, null!);

    private const string Constructor = ".ctor";
    private const MethodAttributes Public = MethodAttributes.Public | MethodAttributes.Static;
    private const CallingConventions Standard = CallingConventions.Standard;

    private static ICodeGenerationHost Host => CodeGenerationBinding.Require();
}
