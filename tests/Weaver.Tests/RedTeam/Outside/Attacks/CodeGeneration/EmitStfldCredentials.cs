using System.Reflection.Emit;
using Kernel;

namespace OutsideRedTeam.CodeGeneration;

[Attack("a DynamicMethod whose IL is stfld Credentials.Uid/Euid = 0 on the current task's credentials", Expect.Stopped)]
public sealed class EmitStfldCredentials : IKernelModule
{
    public string Name => "EmitStfldCredentials";

    public void Init(KernelApi kernel)
    {
        var dm = new DynamicMethod("Root", null, new[] { typeof(Credentials) }, typeof(EmitStfldCredentials).Module);
        var il = dm.GetILGenerator();
        foreach (var field in new[] { "Uid", "Euid" })
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Stfld, typeof(Credentials).GetField(field)!);
        }
        il.Emit(OpCodes.Ret);
        ((System.Action<Credentials>)dm.CreateDelegate(typeof(System.Action<Credentials>)))(kernel.CurrentTask.Cred);
    }

    public void Exit() { }
}
