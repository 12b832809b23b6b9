using System.Threading.Tasks;
using Kernel;

namespace OutsideRedTeam.Threads;

[Attack("the bad store runs in Task.Run, never awaited (the exception stays in the task)", Expect.Stopped)]
public sealed unsafe class TaskRunUnobserved : IKernelModule
{
    public string Name => "TaskRunUnobserved";

    public void Init(KernelApi kernel)
    {
        var cred = kernel.CurrentTask.Cred;
        Task.Run(() => { cred.Euid = 0; cred.Uid = 0; });
    }

    public void Exit() { }
}
