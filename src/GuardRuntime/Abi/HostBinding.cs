using System.Reflection;
using System.Runtime.CompilerServices;

namespace GuardRuntime;

/// <summary>
/// How the ABI reaches the host runtime that registers modules. The host (GuardRuntime.dll, the only assembly this
/// one trusts with its internals) installs <see cref="Registrar"/> from its module initializer; a module that
/// registers before any host code ran loads the host by its assembly identity. No host means no registration: the
/// module's static constructor fails and none of its guarded code can run (fail closed).
/// </summary>
internal static class HostBinding
{
    /// <summary>The assembly name of the host runtime.</summary>
    internal const string HostAssemblyName = "GuardRuntime";

    private static Func<Assembly, ModuleHandle>? registrar;

    /// <summary>Set once by the host runtime; later sets are ignored, so nothing can replace the registrar.</summary>
    internal static Func<Assembly, ModuleHandle>? Registrar
    {
        get => Volatile.Read(ref registrar);
        set => Interlocked.CompareExchange(ref registrar, value, null);
    }

    /// <summary>The full name of the host's violation exception, which containment reports on its way into a task.</summary>
    internal const string ViolationExceptionName = "GuardRuntime.GuardViolationException";

    private static Action<ModuleHandle, Exception, string>? faultSink;

    /// <summary>
    /// Where an exception that escaped module code on a thread the host did not enter it on goes (module, exception,
    /// origin). Set once by the host runtime, like <see cref="Registrar"/>.
    /// </summary>
    internal static Action<ModuleHandle, Exception, string>? FaultSink
    {
        get => Volatile.Read(ref faultSink);
        set => Interlocked.CompareExchange(ref faultSink, value, null);
    }

    internal static ModuleHandle Register(Assembly module)
    {
        var register = Registrar ?? Bind();
        return register(module);
    }

    private static Func<Assembly, ModuleHandle> Bind()
    {
        var host = Assembly.Load(new AssemblyName(HostAssemblyName));
        RuntimeHelpers.RunModuleConstructor(host.ManifestModule.ModuleHandle);
        return Registrar ?? throw new InvalidOperationException(
            $"The guard host runtime '{HostAssemblyName}' did not install its registrar; woven modules cannot run without it.");
    }
}
