using Kernel;

namespace OutsideRedTeam.SharedImmutable;

[Attack("fixed (char* p = KernelConfig.Hostname) rewrites the host name in place (the string object is not a region)", Expect.Either)]
public sealed unsafe class FixedHostnameChars : IKernelModule
{
    public string Name => "FixedHostnameChars";

    public void Init(KernelApi kernel)
    {
        fixed (char* p = KernelConfig.Hostname)
        {
            p[0] = 'p';
            p[1] = 'w';
        }
    }

    public void Exit() { }
}
