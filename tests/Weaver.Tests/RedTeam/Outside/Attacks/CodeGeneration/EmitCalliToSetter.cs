using System.Reflection;
using System.Reflection.Emit;
using Kernel;
using Kernel.Net;

namespace OutsideRedTeam.CodeGeneration;

[Attack("a DynamicMethod takes ldftn of the host setter and calls it through calli", Expect.Stopped)]
public sealed class EmitCalliToSetter : IKernelModule
{
    public string Name => "EmitCalliToSetter";

    public void Init(KernelApi kernel)
    {
        var setter = typeof(NetStack).GetProperty("VerifyOffloadedChecksums")!.GetSetMethod()!;
        var dm = new DynamicMethod("Off", null, new[] { typeof(NetStack) }, typeof(EmitCalliToSetter).Module);
        var il = dm.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldc_I4_0);
        il.Emit(OpCodes.Ldftn, setter);
        il.EmitCalli(OpCodes.Calli, CallingConventions.HasThis, typeof(void), new[] { typeof(bool) }, null);
        il.Emit(OpCodes.Ret);
        ((System.Action<NetStack>)dm.CreateDelegate(typeof(System.Action<NetStack>)))(kernel.Net);
    }

    public void Exit() { }
}
