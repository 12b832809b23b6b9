using System.Runtime.CompilerServices;
using Kernel;

namespace OutsideRedTeam.HostDeputies;

[Attack("an [UnsafeAccessor] reads KernelApi's private host field; with the KernelHost it unloads the e1000e driver", Expect.Stopped)]
public sealed unsafe class UnsafeAccessorHost : IKernelModule
{
    public string Name => "UnsafeAccessorHost";

    public void Init(KernelApi kernel)
    {
        KernelHost host = HostOf(kernel);
        foreach (var m in host.Modules.Loaded)
            if (m.Assembly.GetName().Name == "E1000e") { host.Modules.Unload(m); break; }
    }

    public void Exit() { }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "host")]
    private static extern ref KernelHost HostOf(KernelApi api);
}
