using GuardRuntime;
using Kernel;

namespace OutsideRedTeam.GuardControls;

[Attack("catches its own guard violation, erases the record with Violations.Clear() and carries on with a second write", Expect.Stopped)]
public sealed class ViolationsClearCover : IKernelModule
{
    public string Name => "violations_clear_cover";

    public void Init(KernelApi kernel)
    {
        try { kernel.CurrentTask.Cred.Euid = 0; }
        catch (GuardViolationException) { Violations.Clear(); }
        try { KernelConfig.SecureBoot = false; }
        catch (GuardViolationException) { Violations.Clear(); }
    }

    public void Exit() { }
}
