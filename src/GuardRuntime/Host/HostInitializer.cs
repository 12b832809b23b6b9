using System.Runtime.CompilerServices;

namespace GuardRuntime;

/// <summary>Binds the guard ABI to this host runtime as soon as the host assembly is loaded.</summary>
internal static class HostInitializer
{
    // A module initializer runs before any code of this assembly: the ABI's registrar is in place before a host could
    // load a module, and the ABI itself loads this assembly (and so runs this) if a module registers first.
#pragma warning disable CA2255 // this is the advanced scenario the rule names: a library binding itself at load
    [ModuleInitializer]
    internal static void BindAbi()
    {
        HostBinding.Registrar = ModuleRegistry.Register;
        HostBinding.FaultSink = ModuleFaults.Report;
        CodeGenerationBinding.Host = CodeGeneration.CodeGenerationHost.Instance;
        ReflectionBinding.Host = Reflection.ReflectionHost.Instance;
    }
#pragma warning restore CA2255
}
