using GuardRuntime;
using Kernel;

namespace OutsideRedTeam.GuardControls;

[Attack("finds its own ModuleGuard in ModuleRegistry and zeroes its compiled policy table, then makes itself root", Expect.Refused)]
public sealed class ModuleRegistryDetach : IKernelModule
{
    public string Name => "module_registry_detach";

    public void Init(KernelApi kernel)
    {
        foreach (var guard in ModuleRegistry.Modules)
            System.Array.Clear(guard.Policy.Table);
        kernel.CurrentTask.Cred.Euid = 0;
    }

    public void Exit() { }
}
