using System;
using System.Reflection;
using System.Reflection.Emit;
using Kernel;
using Kernel.Net;

namespace OutsideRedTeam.CodeGeneration;

[Attack("an anonymously hosted DynamicMethod with restrictedSkipVisibility writes a private host field", Expect.Stopped)]
public sealed class RestrictedSkipVisibilityPrivateField : IKernelModule
{
    public string Name => "RestrictedSkipVisibilityPrivateField";

    public void Init(KernelApi kernel)
    {
        var field = typeof(NetStack).GetField("<VerifyOffloadedChecksums>k__BackingField", BindingFlags.NonPublic | BindingFlags.Instance)!;
        var dm = new DynamicMethod("Off", null, new[] { typeof(NetStack) }, restrictedSkipVisibility: true);
        var il = dm.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldc_I4_0);
        il.Emit(OpCodes.Stfld, field);
        il.Emit(OpCodes.Ret);
        ((Action<NetStack>)dm.CreateDelegate(typeof(Action<NetStack>)))(kernel.Net);
    }

    public void Exit() { }
}
