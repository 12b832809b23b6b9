using Kernel;

namespace OutsideRedTeam.HostDeputies;

[Attack("host property setters: turns off offloaded-checksum verification and installs its own packet sink", Expect.Stopped)]
public sealed unsafe class NetStackSettings : IKernelModule
{
    public string Name => "NetStackSettings";

    public void Init(KernelApi kernel)
    {
        kernel.Net.VerifyOffloadedChecksums = false;
        kernel.Net.Sink = new Tap();
    }

    public void Exit() { }
}

public sealed class Tap : Kernel.Net.IPacketSink
{
    public void Deliver(scoped in Kernel.Net.ParsedPacket packet) { }
}