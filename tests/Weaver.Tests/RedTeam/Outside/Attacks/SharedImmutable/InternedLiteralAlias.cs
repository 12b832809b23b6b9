using Kernel;

namespace OutsideRedTeam.SharedImmutable;

[Attack("mutates the module's own literal 'sys_execve', which is the same interned object as KernelTables.SyscallNames[59]", Expect.Either)]
public sealed unsafe class InternedLiteralAlias : IKernelModule
{
    public string Name => "InternedLiteralAlias";

    public void Init(KernelApi kernel)
    {
        fixed (char* p = "sys_execve")
        {
            p[4] = 'p';
            p[5] = 'w';
            p[6] = 'n';
        }
    }

    public void Exit() { }
}
