using System.Reflection.Emit;
using Kernel;
using Kernel.Net;

namespace OutsideRedTeam.CodeGeneration;

[Attack("a DynamicMethod calls the host setter NetStack.VerifyOffloadedChecksums = false, which the host does not export", Expect.Stopped)]
public sealed class EmitHostSetterCall : IKernelModule
{
    public string Name => "EmitHostSetterCall";

    public void Init(KernelApi kernel)
    {
        var dm = new DynamicMethod("Off", null, new[] { typeof(NetStack) }, typeof(EmitHostSetterCall).Module);
        var il = dm.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldc_I4_0);
        il.Emit(OpCodes.Callvirt, typeof(NetStack).GetProperty("VerifyOffloadedChecksums")!.GetSetMethod()!);
        il.Emit(OpCodes.Ret);
        ((System.Action<NetStack>)dm.CreateDelegate(typeof(System.Action<NetStack>)))(kernel.Net);
    }

    public void Exit() { }
}
