using System.Runtime.CompilerServices;
using Kernel;

namespace OutsideRedTeam.Lifecycle;

[Attack("a [ModuleInitializer] writes KernelConfig while the loader instantiates the module, outside Init and its containment", Expect.Stopped)]
public sealed unsafe class ModuleInitializerWrite : IKernelModule
{
    public string Name => "ModuleInitializerWrite";

    public void Init(KernelApi kernel)
    {
        // The work is done by the module initializer.
    }

    public void Exit() { }
}

internal static class Startup
{
    [ModuleInitializer]
    internal static void Run() => KernelConfig.SecureBoot = false;
}