using Kernel;

namespace OutsideRedTeam.ReflectionDeputies;

[Attack("Microsoft.VisualBasic late binding (NewLateBinding.LateSet) sets Credentials.Euid", Expect.Either)]
public sealed unsafe class VisualBasicLateSet : IKernelModule
{
    public string Name => "VisualBasicLateSet";

    public void Init(KernelApi kernel)
    {
        var cred = kernel.CurrentTask.Cred;
        Microsoft.VisualBasic.CompilerServices.NewLateBinding.LateSet(cred, null, "Euid", [0], null, null);
        Microsoft.VisualBasic.CompilerServices.NewLateBinding.LateSet(cred, null, "Uid", [0], null, null);
    }

    public void Exit() { }
}
