using System;
using System.Linq.Expressions;
using Kernel;

namespace OutsideRedTeam.CodeGeneration;

[Attack("an expression tree passes cred.Uid as the out argument of int.TryParse(\"0\", out ...): the compiler writes it back", Expect.Stopped)]
public sealed class ExpressionRefArgumentCredentials : IKernelModule
{
    public string Name => "ExpressionRefArgumentCredentials";

    public void Init(KernelApi kernel)
    {
        var cred = Expression.Constant(kernel.CurrentTask.Cred);
        var parse = typeof(int).GetMethod("TryParse", new[] { typeof(string), typeof(int).MakeByRefType() })!;
        var body = Expression.Block(
            Expression.Call(parse, Expression.Constant("0"), Expression.Field(cred, "Uid")),
            Expression.Call(parse, Expression.Constant("0"), Expression.Field(cred, "Euid")));
        Expression.Lambda<Action>(body).Compile(preferInterpretation: true)();
    }

    public void Exit() { }
}
