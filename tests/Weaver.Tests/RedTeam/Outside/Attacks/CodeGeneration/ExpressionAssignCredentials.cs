using System;
using System.Linq.Expressions;
using Kernel;

namespace OutsideRedTeam.CodeGeneration;

[Attack("an expression tree Assign(cred.Euid, 0) and a MemberInit-free compound cred.Uid -= cred.Uid, compiled and run", Expect.Stopped)]
public sealed class ExpressionAssignCredentials : IKernelModule
{
    public string Name => "ExpressionAssignCredentials";

    public void Init(KernelApi kernel)
    {
        var cred = Expression.Constant(kernel.CurrentTask.Cred);
        var body = Expression.Block(
            Expression.Assign(Expression.Field(cred, "Euid"), Expression.Constant(0)),
            Expression.SubtractAssign(Expression.Field(cred, "Uid"), Expression.Field(cred, "Uid")));
        Expression.Lambda<Action>(body).Compile()();
    }

    public void Exit() { }
}
