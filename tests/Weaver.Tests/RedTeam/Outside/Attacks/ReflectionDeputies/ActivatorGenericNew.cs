using Kernel;

namespace OutsideRedTeam.ReflectionDeputies;

[Attack("new T() on a module type whose constructor is the write: the control for Activator.CreateInstance<T>", Expect.Stopped)]
public sealed unsafe class ActivatorGenericNew : IKernelModule
{
    public string Name => "ActivatorGenericNew";

    public void Init(KernelApi kernel)
    {
        _ = Make<Rooter>();
    }

    public void Exit() { }

    private static T Make<T>() where T : new() => new T();

    private sealed class Rooter
    {
        public Rooter() => KernelConfig.ModuleSigEnforce = false;
    }
}
