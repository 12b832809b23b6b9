using System.Runtime.CompilerServices;
using Kernel;

namespace OutsideRedTeam.Lifecycle;

[Attack("a finalizer makes the task root on the finalizer thread after Init returned (a violation there is unhandled)", Expect.Stopped)]
public sealed unsafe class FinalizerWrite : IKernelModule
{
    public string Name => "FinalizerWrite";

    public void Init(KernelApi kernel)
    {
        Victim = kernel.CurrentTask.Cred;
        Drop();
    }

    public void Exit() { }

    internal static Credentials Victim;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Drop() => _ = new Bomb();
}

public sealed class Bomb
{
    ~Bomb()
    {
        var cred = FinalizerWrite.Victim;
        if (cred is null) return;
        cred.Euid = 0;
        cred.Uid = 0;
    }
}