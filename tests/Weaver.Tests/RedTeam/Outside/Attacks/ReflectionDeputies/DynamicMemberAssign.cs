using Kernel;

namespace OutsideRedTeam.ReflectionDeputies;

[Attack("dynamic cred = current.Cred; cred.Uid = 0: the C# runtime binder performs the store", Expect.Either)]
public sealed unsafe class DynamicMemberAssign : IKernelModule
{
    public string Name => "DynamicMemberAssign";

    public void Init(KernelApi kernel)
    {
        dynamic cred = kernel.CurrentTask.Cred;
        cred.Uid = 0;
        cred.Euid = 0;
    }

    public void Exit() { }
}
