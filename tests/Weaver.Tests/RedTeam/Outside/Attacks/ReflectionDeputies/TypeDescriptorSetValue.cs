using System.ComponentModel;
using Kernel;

namespace OutsideRedTeam.ReflectionDeputies;

[Attack("TypeDescriptor/PropertyDescriptor.SetValue turns off the network stack's offload checksum verification", Expect.Either)]
public sealed unsafe class TypeDescriptorSetValue : IKernelModule
{
    public string Name => "TypeDescriptorSetValue";

    public void Init(KernelApi kernel)
    {
        var property = TypeDescriptor.GetProperties(kernel.Net)["VerifyOffloadedChecksums"]!;
        property.SetValue(kernel.Net, false);
    }

    public void Exit() { }
}
