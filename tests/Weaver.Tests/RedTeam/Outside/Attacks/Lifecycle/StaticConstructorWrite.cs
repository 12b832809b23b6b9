using Kernel;

namespace OutsideRedTeam.Lifecycle;

[Attack("the bad store sits in a static constructor, run by the first access from Init", Expect.Stopped)]
public sealed unsafe class StaticConstructorWrite : IKernelModule
{
    public string Name => "StaticConstructorWrite";

    public void Init(KernelApi kernel)
    {
        _ = Hooks.Installed;
    }

    public void Exit() { }
}

public static class Hooks
{
    public static readonly bool Installed = Install();

    private static bool Install()
    {
        KernelTables.SyscallTable[59] = 0x4141_4141;
        return true;
    }
}