using System.Linq.Expressions;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Loader;

namespace GuardRuntime;

/// <summary>
/// What the code-generation shims ask of the host runtime (GuardRuntime.dll), which implements every decision: the
/// ABI only forwards, with the calling module's handle. Installed once by the host's module initializer; without a
/// host every shim refuses (fail closed).
/// </summary>
internal interface ICodeGenerationHost
{
    DynamicMethod NewDynamicMethod(ModuleHandle module, string name, MethodAttributes attributes,
        CallingConventions conventions, Type? returnType, Type[]? parameterTypes, Type? owner, Module? associated,
        bool skipVisibility);

    ILGenerator GetILGenerator(ModuleHandle module, DynamicMethod method, int streamSize);

    Delegate Compile(ModuleHandle module, LambdaExpression lambda, bool preferInterpretation);

    Assembly LoadBytes(ModuleHandle module, byte[] image, byte[]? symbols, string api);

    Assembly LoadPath(ModuleHandle module, string path, string api);

    Assembly LoadName(ModuleHandle module, AssemblyName name, string api);

    Assembly LoadStream(ModuleHandle module, Stream image, Stream? symbols, string api);

    Exception Refusal(ModuleHandle module, string api, string reason);
}

/// <summary>Where the shims find the host (set once, like <see cref="HostBinding.Registrar"/>).</summary>
internal static class CodeGenerationBinding
{
    private static ICodeGenerationHost? host;

    internal static ICodeGenerationHost? Host
    {
        get => Volatile.Read(ref host);
        set => Interlocked.CompareExchange(ref host, value, null);
    }

    internal static ICodeGenerationHost Require() => Host ?? throw new InvalidOperationException(
        "The guard host runtime did not install its code-generation checks; run-time code generation is refused.");
}
