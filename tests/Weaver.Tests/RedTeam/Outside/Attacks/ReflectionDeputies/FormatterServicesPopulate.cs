using System.Reflection;
using System.Runtime.Serialization;
using Kernel;

namespace OutsideRedTeam.ReflectionDeputies;

[Attack("FormatterServices.PopulateObjectMembers writes Credentials fields by reflection", Expect.Either)]
public sealed unsafe class FormatterServicesPopulate : IKernelModule
{
    public string Name => "FormatterServicesPopulate";

    public void Init(KernelApi kernel)
    {
#pragma warning disable SYSLIB0050
        var cred = kernel.CurrentTask.Cred;
        var members = new MemberInfo[] { typeof(Credentials).GetField("Uid")!, typeof(Credentials).GetField("Euid")! };
        FormatterServices.PopulateObjectMembers(cred, members, [0, 0]);
#pragma warning restore SYSLIB0050
    }

    public void Exit() { }
}
