using System.Threading;
using GuardRuntime;
using Kernel;

namespace OutsideRedTeam.GuardControls;

[Attack("Regions.Unprotect(\"current-cred\"), then writes euid 0 through a byref (checked by address only, not by the field rule)", Expect.Either)]
public sealed class RegionsUnprotectCred : IKernelModule
{
    public string Name => "regions_unprotect_cred";

    public void Init(KernelApi kernel)
    {
        Regions.Unprotect("current-cred");
        Regions.Unprotect("current-task");
        var cred = kernel.CurrentTask.Cred;
        Interlocked.Exchange(ref cred.Euid, 0);
        Interlocked.Exchange(ref cred.Uid, 0);
    }

    public void Exit() { }
}
