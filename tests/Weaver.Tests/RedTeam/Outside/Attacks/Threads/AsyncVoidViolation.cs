using System.Threading.Tasks;
using Kernel;

namespace OutsideRedTeam.Threads;

[Attack("the bad store runs after an await in an async void method (rethrown on the thread pool)", Expect.Stopped)]
public sealed unsafe class AsyncVoidViolation : IKernelModule
{
    public string Name => "AsyncVoidViolation";

    public void Init(KernelApi kernel)
    {
        Later.Go(kernel.CurrentTask.Cred);
    }

    public void Exit() { }

}

internal static class Later
{
    public static async void Go(Credentials cred)
    {
        await Task.Delay(10);
        cred.Euid = 0;
        cred.Uid = 0;
    }
}
