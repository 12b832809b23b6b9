using System.Reflection;
using Kernel;

namespace OutsideRedTeam.ReflectionDeputies;

[Attack("System.Reflection.MethodInvoker (not refused) invokes FieldInfo.SetValue, which is", Expect.Either)]
public sealed unsafe class MethodInvokerFieldSetValue : IKernelModule
{
    public string Name => "MethodInvokerFieldSetValue";

    public void Init(KernelApi kernel)
    {
        var field = typeof(Credentials).GetField("Euid")!;
        var setValue = typeof(FieldInfo).GetMethod("SetValue", [typeof(object), typeof(object)])!;
        MethodInvoker.Create(setValue).Invoke(field, kernel.CurrentTask.Cred, 0);
    }

    public void Exit() { }
}
