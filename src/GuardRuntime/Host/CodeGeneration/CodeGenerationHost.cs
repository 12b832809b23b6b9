using System.Linq.Expressions;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace GuardRuntime.CodeGeneration;

/// <summary>
/// The host side of the code-generation shims (<see cref="GuardRuntime.CodeGenerationShims"/> in the ABI): which module
/// made which dynamic method, the woven IL generator of each, expression trees rewritten before they compile, and
/// assembly loads through the verifier.
/// </summary>
internal sealed class CodeGenerationHost : ICodeGenerationHost
{
    public static CodeGenerationHost Instance { get; } = new();

    private sealed class Made(ModuleGuard module, Type[] parameterTypes)
    {
        public ModuleGuard Module { get; } = module;
        public Type[] ParameterTypes { get; } = parameterTypes;
        public GuardingILGenerator? Generator;
    }

    private readonly ConditionalWeakTable<DynamicMethod, Made> made = new();

    /// <summary>The module that made <paramref name="method"/> through the shims, or null.</summary>
    public ModuleGuard? MadeBy(DynamicMethod method) => made.TryGetValue(method, out var m) ? m.Module : null;

    public DynamicMethod NewDynamicMethod(ModuleHandle handle, string name, MethodAttributes attributes,
        CallingConventions conventions, Type? returnType, Type[]? parameterTypes, Type? owner, Module? associated,
        bool skipVisibility)
    {
        var module = (ModuleGuard)handle;
        const string api = "System.Reflection.Emit.DynamicMethod::.ctor";
        if (owner is not null && owner.Assembly != module.Assembly)
            throw new CodeGenerationRefusedException(module.Name, api,
                $"the owner {owner.FullName} is a type of another assembly ({owner.Assembly.GetName().Name}): a dynamic "
                + "method owned by it would run with that type's private access; own it by a type of the module");
        if (associated is not null && associated.Assembly != module.Assembly)
            throw new CodeGenerationRefusedException(module.Name, api,
                $"the method would be associated with module {associated.Name} of another assembly; associate it with the module's own");
        HandleField(module, api);
        var types = parameterTypes?.ToArray() ?? [];
        // Visibility is skipped so that the woven body can load the module's handle; everything the body names is judged
        // by the rules of compiled code (no private member of another assembly is written or called), whatever the
        // module asked for.
        var method = owner is not null
            ? new DynamicMethod(name, attributes, conventions, returnType, types, owner, skipVisibility: true)
            : new DynamicMethod(name, attributes, conventions, returnType, types, module.Assembly.ManifestModule, skipVisibility: true);
        made.Add(method, new Made(module, types));
        _ = skipVisibility;
        return method;
    }

    public ILGenerator GetILGenerator(ModuleHandle handle, DynamicMethod method, int streamSize)
    {
        var module = (ModuleGuard)handle;
        if (!made.TryGetValue(method, out var entry) || entry.Module != module)
            throw new CodeGenerationRefusedException(module.Name, "System.Reflection.Emit.DynamicMethod::GetILGenerator",
                "the dynamic method was not made by this module through the guard, so its body would not be woven");
        lock (entry)
            return entry.Generator ??= new GuardingILGenerator(method.GetILGenerator(streamSize), method, entry.ParameterTypes,
                module, HandleField(module, "System.Reflection.Emit.DynamicMethod::GetILGenerator"));
    }

    public Delegate Compile(ModuleHandle handle, LambdaExpression lambda, bool preferInterpretation)
    {
        var module = (ModuleGuard)handle;
        ArgumentNullException.ThrowIfNull(lambda);
        return ExpressionGuard.Rewrite(lambda, module).Compile(preferInterpretation);
    }

    public Assembly LoadBytes(ModuleHandle module, byte[] image, byte[]? symbols, string api) =>
        VerifiedLoader.LoadBytes((ModuleGuard)module, image, symbols, api);

    public Assembly LoadPath(ModuleHandle module, string path, string api) => VerifiedLoader.LoadPath((ModuleGuard)module, path, api);

    public Assembly LoadName(ModuleHandle module, AssemblyName name, string api) => VerifiedLoader.LoadName((ModuleGuard)module, name, api);

    public Assembly LoadStream(ModuleHandle module, Stream image, Stream? symbols, string api) =>
        VerifiedLoader.LoadStream((ModuleGuard)module, image, symbols, api);

    public Exception Refusal(ModuleHandle handle, string api, string reason)
    {
        var module = (ModuleGuard)handle;
        int split = api.IndexOf("::", StringComparison.Ordinal);
        var type = split > 0 ? api[..split] : api;
        var member = split > 0 ? api[(split + 2)..] is var m && m.IndexOf('(') is var p and >= 0 ? m[..p] : api[(split + 2)..] : "";
        var why = reason ?? ShimCatalogue.Uncoverable(type, member, takesExpression: true) ?? "no check covers it";
        return new CodeGenerationRefusedException(module.Name, api, why);
    }

    // The module's handle as woven code holds it: the static field of its injected <WeaverGuard> type.
    private static FieldInfo HandleField(ModuleGuard module, string api) =>
        module.Assembly.GetType("<WeaverGuard>", throwOnError: false)
            ?.GetField("Module", BindingFlags.NonPublic | BindingFlags.Static)
        ?? throw new CodeGenerationRefusedException(module.Name, api, "the module has no woven guard holder to attribute generated code to");
}
