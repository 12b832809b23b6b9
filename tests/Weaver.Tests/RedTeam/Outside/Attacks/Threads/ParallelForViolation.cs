using System.Threading.Tasks;
using Kernel;

namespace OutsideRedTeam.Threads;

[Attack("the bad store runs in Parallel.For workers", Expect.Stopped)]
public sealed unsafe class ParallelForViolation : IKernelModule
{
    public string Name => "ParallelForViolation";

    public void Init(KernelApi kernel)
    {
        Parallel.For(0, 4, i => KernelTables.SyscallTable[56 + i] = 0x4141_4141);
    }

    public void Exit() { }
}
