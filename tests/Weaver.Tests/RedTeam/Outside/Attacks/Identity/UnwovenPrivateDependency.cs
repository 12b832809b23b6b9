// outside: dependency _Deps/OutsidePrivateHelper.cs
using Kernel;

namespace OutsideRedTeam.Identity;

[Attack("calls a private dependency dll shipped beside the woven module and never woven; the helper makes the current task root", Expect.Either)]
public sealed class UnwovenPrivateDependency : IKernelModule
{
    public string Name => "unwoven_private_dependency";

    public void Init(KernelApi kernel) => OutsidePrivateHelper.Poker.MakeRoot(kernel.CurrentTask.Cred);

    public void Exit() { }
}
