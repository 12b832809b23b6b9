using System;
using System.Reflection.Emit;
using Kernel;

namespace OutsideRedTeam.CodeGeneration;

[Attack("a DynamicMethod reads the credentials reference as a native int (ldarga; ldind.i), adds the field offset and stind.i4 0 through the forged pointer", Expect.Stopped)]
public sealed class EmitForgedPointerStind : IKernelModule
{
    public string Name => "EmitForgedPointerStind";

    public void Init(KernelApi kernel)
    {
        var dm = new DynamicMethod("Forge", null, new[] { typeof(Credentials) }, typeof(EmitForgedPointerStind).Module);
        var il = dm.GetILGenerator();
        // Uid, Gid, Euid are the first int fields after the method table pointer: zero the first 16 bytes of data.
        for (int offset = 8; offset < 24; offset += 4)
        {
            il.Emit(OpCodes.Ldarga_S, (byte)0);
            il.Emit(OpCodes.Ldind_I);
            il.Emit(OpCodes.Ldc_I4, offset);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Stind_I4);
        }
        il.Emit(OpCodes.Ret);
        var cred = kernel.CurrentTask.Cred;
        ((Action<Credentials>)dm.CreateDelegate(typeof(Action<Credentials>)))(cred);
        GC.KeepAlive(cred);
    }

    public void Exit() { }
}
