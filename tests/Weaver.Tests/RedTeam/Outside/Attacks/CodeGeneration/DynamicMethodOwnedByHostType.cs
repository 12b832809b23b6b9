using System;
using System.Reflection;
using System.Reflection.Emit;
using Kernel;
using Kernel.Net;

namespace OutsideRedTeam.CodeGeneration;

[Attack("a DynamicMethod owned by the host type NetStack with skipVisibility writes its private auto-property backing field", Expect.Stopped)]
public sealed class DynamicMethodOwnedByHostType : IKernelModule
{
    public string Name => "DynamicMethodOwnedByHostType";

    public void Init(KernelApi kernel)
    {
        var field = typeof(NetStack).GetField("<VerifyOffloadedChecksums>k__BackingField", BindingFlags.NonPublic | BindingFlags.Instance)!;
        var dm = new DynamicMethod("Off", null, new[] { typeof(NetStack) }, typeof(NetStack), skipVisibility: true);
        var il = dm.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldc_I4_0);
        il.Emit(OpCodes.Stfld, field);
        il.Emit(OpCodes.Ret);
        ((Action<NetStack>)dm.CreateDelegate(typeof(Action<NetStack>)))(kernel.Net);
    }

    public void Exit() { }
}
