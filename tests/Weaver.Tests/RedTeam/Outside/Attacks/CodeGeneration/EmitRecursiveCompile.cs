using System;
using System.Linq.Expressions;
using System.Reflection.Emit;
using Kernel;

namespace OutsideRedTeam.CodeGeneration;

[Attack("generated code generates code: a DynamicMethod whose IL compiles (LambdaExpression.Compile) and runs a tree assigning cred.Uid = 0", Expect.Stopped)]
public sealed class EmitRecursiveCompile : IKernelModule
{
    public string Name => "EmitRecursiveCompile";

    public void Init(KernelApi kernel)
    {
        var dm = new DynamicMethod("CompileAndRun", null, new[] { typeof(LambdaExpression) }, typeof(EmitRecursiveCompile).Module);
        var il = dm.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Callvirt, typeof(LambdaExpression).GetMethod("Compile", Type.EmptyTypes)!);
        il.Emit(OpCodes.Castclass, typeof(Action));
        il.Emit(OpCodes.Callvirt, typeof(Action).GetMethod("Invoke")!);
        il.Emit(OpCodes.Ret);
        var cred = Expression.Constant(kernel.CurrentTask.Cred);
        var tree = Expression.Lambda<Action>(Expression.Block(
            Expression.Assign(Expression.Field(cred, "Uid"), Expression.Constant(0)),
            Expression.Assign(Expression.Field(cred, "Euid"), Expression.Constant(0))));
        ((Action<LambdaExpression>)dm.CreateDelegate(typeof(Action<LambdaExpression>)))(tree);
    }

    public void Exit() { }
}
