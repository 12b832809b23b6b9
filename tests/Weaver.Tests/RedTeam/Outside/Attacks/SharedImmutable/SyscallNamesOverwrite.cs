using Kernel;

namespace OutsideRedTeam.SharedImmutable;

[Attack("replaces an entry of KernelTables.SyscallNames (a kernel array no region covers)", Expect.Either)]
public sealed unsafe class SyscallNamesOverwrite : IKernelModule
{
    public string Name => "SyscallNamesOverwrite";

    public void Init(KernelApi kernel)
    {
        KernelTables.SyscallNames[59] = "sys_backdoor";
    }

    public void Exit() { }
}
