using System;
using System.Linq.Expressions;
using Kernel;

namespace OutsideRedTeam.CodeGeneration;

[Attack("an expression tree sets kernel.Net.VerifyOffloadedChecksums = false: a host setter the host does not export", Expect.Stopped)]
public sealed class ExpressionHostSetter : IKernelModule
{
    public string Name => "ExpressionHostSetter";

    public void Init(KernelApi kernel)
    {
        var net = Expression.Constant(kernel.Net);
        var body = Expression.Assign(Expression.Property(net, "VerifyOffloadedChecksums"), Expression.Constant(false));
        Expression.Lambda<Func<bool>>(body).Compile()();
    }

    public void Exit() { }
}
