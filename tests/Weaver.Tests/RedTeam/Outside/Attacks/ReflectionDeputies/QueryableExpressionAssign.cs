using System;
using System.Linq;
using System.Linq.Expressions;
using Kernel;

namespace OutsideRedTeam.ReflectionDeputies;

[Attack("an Expression.Assign to Credentials.Euid inside an IQueryable Select: EnumerableQuery compiles and runs it (no Compile call in the module)", Expect.Either)]
public sealed unsafe class QueryableExpressionAssign : IKernelModule
{
    public string Name => "QueryableExpressionAssign";

    public void Init(KernelApi kernel)
    {
        var cred = kernel.CurrentTask.Cred;
        var x = Expression.Parameter(typeof(int), "x");
        var body = Expression.Block(Expression.Assign(Expression.Field(Expression.Constant(cred), "Euid"), Expression.Constant(0)), x);
        var lambda = Expression.Lambda<Func<int, int>>(body, x);
        new[] { 1 }.AsQueryable().Select(lambda).ToList();
    }

    public void Exit() { }
}
