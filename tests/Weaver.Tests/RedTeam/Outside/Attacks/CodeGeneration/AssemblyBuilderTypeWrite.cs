using System;
using System.Reflection;
using System.Reflection.Emit;
using Kernel;

namespace OutsideRedTeam.CodeGeneration;

[Attack("AssemblyBuilder + TypeBuilder: a run-time type whose static method zeroes cred.Uid/Euid, called by reflection", Expect.Stopped)]
public sealed class AssemblyBuilderTypeWrite : IKernelModule
{
    public string Name => "AssemblyBuilderTypeWrite";

    public void Init(KernelApi kernel)
    {
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("Rooter"), AssemblyBuilderAccess.Run);
        var type = assembly.DefineDynamicModule("Rooter").DefineType("Rooter", TypeAttributes.Public);
        var method = type.DefineMethod("Root", MethodAttributes.Public | MethodAttributes.Static, null, new[] { typeof(Credentials) });
        var il = method.GetILGenerator();
        foreach (var field in new[] { "Uid", "Euid" })
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Stfld, typeof(Credentials).GetField(field)!);
        }
        il.Emit(OpCodes.Ret);
        type.CreateType()!.GetMethod("Root")!.Invoke(null, new object[] { kernel.CurrentTask.Cred });
    }

    public void Exit() { }
}
