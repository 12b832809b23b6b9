using System;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Kernel;

namespace OutsideRedTeam.CodeGeneration;

[Attack("a DynamicMethod calls Unsafe.As<Lookalike>(cred) and writes the look-alike's fields, which field rules judge as the module's own", Expect.Stopped)]
public sealed class EmitUnsafeAsCredentials : IKernelModule
{
    public string Name => "EmitUnsafeAsCredentials";

    public void Init(KernelApi kernel)
    {
        var dm = new DynamicMethod("Confuse", null, new[] { typeof(object) }, typeof(EmitUnsafeAsCredentials).Module);
        var il = dm.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, typeof(Unsafe).GetMethod("As", 1, new[] { typeof(object) })!.MakeGenericMethod(typeof(Lookalike)));
        il.Emit(OpCodes.Dup);
        il.Emit(OpCodes.Ldc_I4_0);
        il.Emit(OpCodes.Stfld, typeof(Lookalike).GetField("A")!);
        il.Emit(OpCodes.Ldc_I4_0);
        il.Emit(OpCodes.Stfld, typeof(Lookalike).GetField("C")!);
        il.Emit(OpCodes.Ret);
        ((Action<object>)dm.CreateDelegate(typeof(Action<object>)))(kernel.CurrentTask.Cred);
    }

    public void Exit() { }
}

public sealed class Lookalike
{
    public int A, B, C, D;
}
