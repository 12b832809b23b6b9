using System.Linq.Expressions;
using System.Reflection;

namespace GuardRuntime.CodeGeneration;

/// <summary>
/// Rewrites an expression tree a module compiles so that it is checked as the module's compiled code would be: every
/// assignment (to a field, a property, an array element, a struct inside one, through a <c>ref</c> argument), member
/// initialisation and collection initialisation gets the store check of its target, every call the rules of
/// <see cref="CallPlan"/> (host-call check, effect model, shims for nested code generation), and what cannot be checked
/// (dynamic binding, irreducible extension nodes, refused members) throws <see cref="CodeGenerationRefusedException"/>
/// from the Compile call. Checks are <c>Guard.*</c> calls with ids of the module's manifest
/// (<see cref="DynamicTargets"/>), so the policy, its reports and its reloads apply unchanged.
/// </summary>
internal sealed partial class ExpressionGuard : ExpressionVisitor
{
    private readonly ModuleGuard module;
    private readonly string site;
    private readonly ConstantExpression handle;
    private int node;

    private ExpressionGuard(ModuleGuard module, string name)
    {
        this.module = module;
        site = $"expression tree '{name}' (compiled by {module.Name})";
        handle = Expression.Constant(module, typeof(ModuleHandle));
    }

    public static LambdaExpression Rewrite(LambdaExpression lambda, ModuleGuard module) =>
        (LambdaExpression)new ExpressionGuard(module, lambda.Name ?? "lambda").Visit(lambda)!;

    public override Expression? Visit(Expression? expression)
    {
        node++;
        return base.Visit(expression);
    }

    protected override Expression VisitBinary(BinaryExpression b)
    {
        CheckOperator(b.Method, b.NodeType);
        if (!IsAssignment(b.NodeType)) return base.VisitBinary(b);
        var pre = new List<Expression>();
        var variables = new List<ParameterExpression>();
        var target = Writable(b.Left, pre, variables);
        var right = Visit(b.Right)!;
        var conversion = (LambdaExpression?)Visit(b.Conversion);
        var assign = b.Update(target, conversion, right);
        return pre.Count == 0 ? assign : Expression.Block(assign.Type, variables, [.. pre, assign]);
    }

    protected override Expression VisitUnary(UnaryExpression u)
    {
        // A quoted tree is data: whoever compiles it goes through the shims (or is refused), and is rewritten then.
        if (u.NodeType == ExpressionType.Quote) return u;
        CheckOperator(u.Method, u.NodeType);
        if (u.NodeType is not (ExpressionType.PreIncrementAssign or ExpressionType.PreDecrementAssign
            or ExpressionType.PostIncrementAssign or ExpressionType.PostDecrementAssign)) return base.VisitUnary(u);
        var pre = new List<Expression>();
        var variables = new List<ParameterExpression>();
        var updated = u.Update(Writable(u.Operand, pre, variables));
        return pre.Count == 0 ? updated : Expression.Block(updated.Type, variables, [.. pre, updated]);
    }

    protected override Expression VisitMember(MemberExpression m)
    {
        if (m.Member.DeclaringType is { } type && (EmittedMembers.IsWeaverInjected(type)
            || EmittedMembers.OriginOf(type.Assembly, module) == Origin.Runtime))
            throw Refuse($"reads {m.Member.DeclaringType}::{m.Member.Name}", "the guard's own state is not the module's to use");
        // A property read is a call of its getter, checked as one.
        if (m.Member is PropertyInfo { GetMethod: { } getter })
            return VisitMethodCall(Expression.Call(m.Expression, getter));
        return base.VisitMember(m);
    }

    protected override Expression VisitMethodCall(MethodCallExpression call)
    {
        var plan = Require(call.Method, out var refused);
        if (refused is not null) throw refused;
        var pre = new List<Expression>();
        var variables = new List<ParameterExpression>();
        var parameters = call.Method.GetParameters();
        // Checks before the call need the operands evaluated once, in their order: then every operand is captured.
        bool ordered = plan.Objects.Count > 0
                       || parameters.Where((p, i) => p.ParameterType.IsByRef && call.Arguments[i] is not ParameterExpression).Any();
        var receiver = Visit(call.Object);
        if (ordered && receiver is not null) receiver = Capture(receiver, pre, variables, check: plan.Objects.Contains(-1));
        var arguments = new Expression[call.Arguments.Count];
        for (int i = 0; i < arguments.Length; i++)
            arguments[i] = parameters[i].ParameterType.IsByRef
                ? Writable(call.Arguments[i], pre, variables) // the compiler writes a ref argument back to where it came from
                : ordered ? Capture(Visit(call.Arguments[i])!, pre, variables, check: plan.Objects.Contains(i))
                : Visit(call.Arguments[i])!;
        if (plan.Shim is { } shim)
        {
            // A reflection shim reports what the call reaches at this node of the tree.
            Expression[] site = ShimCatalogue.TakesSite(shim)
                ? [Expression.Constant(DynamicTargets.Add(module, TargetKind.Object, "*", null, new DynamicTargets.Site(this.site, node)).SiteId)]
                : [];
            return Wrap(Expression.Call(shim, [.. receiver is null ? [] : new[] { receiver }, .. arguments, .. site, handle]), pre, variables);
        }
        if (plan.HostCall)
            pre.Add(Check(TargetKind.Call, DynamicTargets.MethodName(call.Method), call.Method.DeclaringType!.Assembly.GetName().Name,
                Abi.Call));
        return Wrap(call.Update(receiver, arguments), pre, variables);
    }

    protected override Expression VisitNew(NewExpression n)
    {
        if (n.Constructor is null) return base.VisitNew(n);
        var plan = Require(n.Constructor, out var refused);
        if (refused is not null) throw refused;
        var pre = new List<Expression>();
        var variables = new List<ParameterExpression>();
        bool ordered = plan.Objects.Any(i => i >= 0);
        var arguments = n.Arguments.Select((a, i) =>
            ordered ? Capture(Visit(a)!, pre, variables, check: plan.Objects.Contains(i)) : Visit(a)!).ToArray();
        if (plan.HostCall)
            pre.Add(Check(TargetKind.Call, DynamicTargets.MethodName(n.Constructor), n.Constructor.DeclaringType!.Assembly.GetName().Name,
                Abi.Call));
        return Wrap(n.Update(arguments), pre, variables);
    }

    // new T { A = x, B = { ... }, C = { y, z } } -> { t = new T(); t.A = x; ...; t }: each binding becomes the assignment
    // or Add call it is, and is checked as one.
    protected override Expression VisitMemberInit(MemberInitExpression init)
    {
        var instance = Expression.Variable(init.Type, "init");
        var body = new List<Expression> { Expression.Assign(instance, init.NewExpression) };
        foreach (var binding in init.Bindings) Bind(instance, binding, body);
        body.Add(instance);
        return Visit(Expression.Block(init.Type, [instance], body))!;
    }

    protected override Expression VisitListInit(ListInitExpression init)
    {
        var instance = Expression.Variable(init.Type, "list");
        var body = new List<Expression> { Expression.Assign(instance, init.NewExpression) };
        body.AddRange(init.Initializers.Select(e => (Expression)Expression.Call(instance, e.AddMethod, e.Arguments)));
        body.Add(instance);
        return Visit(Expression.Block(init.Type, [instance], body))!;
    }

    private static void Bind(Expression target, MemberBinding binding, List<Expression> body)
    {
        var member = Expression.MakeMemberAccess(target, binding.Member);
        switch (binding)
        {
            case MemberAssignment assignment:
                body.Add(Expression.Assign(member, assignment.Expression));
                break;
            case MemberListBinding list:
                body.AddRange(list.Initializers.Select(e => (Expression)Expression.Call(member, e.AddMethod, e.Arguments)));
                break;
            case MemberMemberBinding nested:
                foreach (var inner in nested.Bindings) Bind(member, inner, body);
                break;
        }
    }

    protected override Expression VisitDynamic(DynamicExpression node) =>
        throw Refuse("uses a dynamic (late-bound) operation", "the binder reads and writes members by reflection, outside every check");

    protected override Expression VisitExtension(Expression node) =>
        node.CanReduce
            ? Visit(node.ReduceAndCheck())!
            : throw Refuse($"contains an irreducible extension node {node.GetType().FullName}", "the compiler cannot compile it either");

    protected override Expression VisitIndex(IndexExpression index)
    {
        if (index.Indexer?.GetMethod is { } getter) return VisitMethodCall(Expression.Call(index.Object, getter, index.Arguments));
        return base.VisitIndex(index);
    }
}
