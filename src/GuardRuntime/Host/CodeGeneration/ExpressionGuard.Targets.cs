using System.Linq.Expressions;
using System.Reflection;

namespace GuardRuntime.CodeGeneration;

internal sealed partial class ExpressionGuard
{
    private static class Abi
    {
        public static readonly MethodInfo StoreField = typeof(Guard).GetMethod(nameof(Guard.StoreField))!;
        public static readonly MethodInfo StoreStatic = typeof(Guard).GetMethod(nameof(Guard.StoreStatic))!;
        public static readonly MethodInfo StoreElement = typeof(Guard).GetMethod(nameof(Guard.StoreElement))!;
        public static readonly MethodInfo StoreObject = typeof(Guard).GetMethod(nameof(Guard.StoreObject))!;
        public static readonly MethodInfo Call = typeof(Guard).GetMethod(nameof(Guard.Call))!;
    }

    // The target of an assignment, increment or ref argument, rebuilt over captured operands, with its store check
    // added to 'pre': the same check the weaver puts before the stfld, stsfld, stelem or setter call it compiles to.
    private Expression Writable(Expression target, List<Expression> pre, List<ParameterExpression> variables)
    {
        switch (target)
        {
            case ParameterExpression:
                return target;
            case MemberExpression { Member: FieldInfo field } member:
            {
                FieldRules(field);
                var type = field.DeclaringType!;
                var assembly = type.Assembly.GetName().Name;
                if (field.IsStatic)
                {
                    pre.Add(Check(TargetKind.StaticField, DynamicTargets.FieldName(field), assembly, Abi.StoreStatic));
                    return Expression.Field(null, field);
                }
                if (!type.IsValueType)
                {
                    var instance = Capture(Visit(member.Expression)!, pre, variables, check: false);
                    pre.Add(Check(TargetKind.InstanceField, DynamicTargets.FieldName(field), assembly, Abi.StoreField,
                        Expression.Convert(instance, typeof(object))));
                    return Expression.Field(instance, field);
                }
                // A field of a struct is written where the struct lives: its own field, element or variable is the
                // container checked first; a struct that is a temporary value is a copy nobody else sees.
                var container = member.Expression is MemberExpression { Member: FieldInfo } or IndexExpression or ParameterExpression
                                                     or BinaryExpression { NodeType: ExpressionType.ArrayIndex }
                    ? Writable(member.Expression, pre, variables)
                    : Visit(member.Expression)!;
                pre.Add(Check(TargetKind.InstanceField, DynamicTargets.FieldName(field), assembly, Abi.StoreField,
                    Expression.Constant(null, typeof(object))));
                return Expression.Field(container, field);
            }
            case MemberExpression { Member: PropertyInfo property } member:
            {
                var receiver = member.Expression is null ? null : Visit(member.Expression)!;
                receiver = Setter(property, receiver, pre, variables);
                return Expression.Property(receiver, property);
            }
            case IndexExpression { Indexer: null } access:
            {
                var array = Capture(Visit(access.Object)!, pre, variables, check: false);
                var indexes = access.Arguments.Select(a => Capture(Visit(a)!, pre, variables, check: false)).ToArray();
                pre.Add(ElementCheck(array, indexes));
                return Expression.ArrayAccess(array, indexes);
            }
            case IndexExpression { Indexer: { } indexer } access:
            {
                var receiver = access.Object is null ? null : Visit(access.Object)!;
                var arguments = access.Arguments.Select(a => Visit(a)!).ToArray();
                receiver = Setter(indexer, receiver, pre, variables);
                return Expression.MakeIndex(receiver!, indexer, arguments);
            }
            case BinaryExpression { NodeType: ExpressionType.ArrayIndex } index:
            {
                var array = Capture(Visit(index.Left)!, pre, variables, check: false);
                var position = Capture(Visit(index.Right)!, pre, variables, check: false);
                pre.Add(ElementCheck(array, [position]));
                return Expression.ArrayIndex(array, position);
            }
            default:
                return Visit(target)!; // a temporary: the compiler writes a copy back nowhere
        }
    }

    private Expression? Setter(PropertyInfo property, Expression? receiver, List<Expression> pre, List<ParameterExpression> variables)
    {
        var setter = property.SetMethod ?? throw Refuse($"sets {property.DeclaringType}::{property.Name}", "the property has no setter");
        var plan = Require(setter, out var refused);
        if (refused is not null) throw refused;
        if (plan.Objects.Any(i => i >= 0) || plan.Byrefs.Count > 0)
            throw Refuse($"sets {DynamicTargets.MethodName(setter)}",
                "the effect model says the setter may write the value or the arguments it is given, which a tree cannot have checked");
        if (plan.Objects.Contains(-1))
        {
            if (receiver is null || receiver.Type.IsValueType)
                throw Refuse($"sets {DynamicTargets.MethodName(setter)}", "the setter may write a struct receiver, which cannot be checked");
            receiver = Capture(receiver, pre, variables, check: true);
        }
        if (plan.HostCall)
            pre.Add(Check(TargetKind.Call, DynamicTargets.MethodName(setter), setter.DeclaringType!.Assembly.GetName().Name, Abi.Call));
        return receiver;
    }

    private Expression ElementCheck(Expression array, Expression[] indexes)
    {
        var element = array.Type.GetElementType()!;
        if (!array.Type.IsSZArray)
            return Check(TargetKind.Object, "*", null, Abi.StoreObject, Expression.Convert(array, typeof(object)));
        return Check(TargetKind.ArrayElement, ArrayElementClass.Of(element), null, Abi.StoreElement,
            Expression.Convert(array, typeof(object)), Expression.Convert(indexes[0], typeof(nint)));
    }

    private void FieldRules(FieldInfo field)
    {
        var type = field.DeclaringType!;
        if (EmittedMembers.IsWeaverInjected(type) || EmittedMembers.OriginOf(type.Assembly, module) == Origin.Runtime)
            throw Refuse($"writes {DynamicTargets.FieldName(field)}", "the guard's own state is not the module's to write");
        if (EmittedMembers.OriginOf(type.Assembly, module) != Origin.Own && !EmittedMembers.IsPublic(field))
            throw Refuse($"writes {DynamicTargets.FieldName(field)}",
                "it writes a non-public field of another assembly, which compiled code cannot name");
    }

    // Evaluates 'value' once into a variable (checked as a whole-object write when asked).
    private Expression Capture(Expression value, List<Expression> pre, List<ParameterExpression> variables, bool check)
    {
        if (value is ParameterExpression or ConstantExpression && !check) return value;
        var variable = Expression.Variable(value.Type);
        variables.Add(variable);
        pre.Add(Expression.Assign(variable, value));
        if (check && !value.Type.IsValueType)
            pre.Add(Check(TargetKind.Object, "*", null, Abi.StoreObject, Expression.Convert(variable, typeof(object))));
        return variable;
    }

    private Expression Check(TargetKind kind, string name, string? assembly, MethodInfo check, params Expression[] operands)
    {
        var (targetId, siteId) = DynamicTargets.Add(module, kind, name, assembly, new DynamicTargets.Site(site, node));
        return Expression.Call(check, [.. operands, Expression.Constant(targetId), Expression.Constant(siteId), handle]);
    }

    private static Expression Wrap(Expression expression, List<Expression> pre, List<ParameterExpression> variables) =>
        pre.Count == 0 ? expression : Expression.Block(expression.Type, variables, [.. pre, expression]);

    private CallPlan Require(MethodBase method, out CodeGenerationRefusedException? refused)
    {
        var plan = CallPlan.For(method, module, functionPointer: false);
        refused = plan.Refusal is { } why
            ? Refuse($"calls {(method.DeclaringType is null ? method.Name : DynamicTargets.MethodName(method))}", why)
            : null;
        return plan;
    }

    private void CheckOperator(MethodInfo? method, ExpressionType node)
    {
        if (method is null) return;
        var plan = Require(method, out var refused);
        if (refused is not null) throw refused;
        if (plan.HostCall || plan.NeedsArguments)
            throw Refuse($"uses {DynamicTargets.MethodName(method)} as the {node} operator",
                "an operator method that calls the host or writes its operands cannot be checked in place; call it with Expression.Call");
    }

    private static bool IsAssignment(ExpressionType type) => type is ExpressionType.Assign or ExpressionType.AddAssign
        or ExpressionType.AddAssignChecked or ExpressionType.SubtractAssign or ExpressionType.SubtractAssignChecked
        or ExpressionType.MultiplyAssign or ExpressionType.MultiplyAssignChecked or ExpressionType.DivideAssign
        or ExpressionType.ModuloAssign or ExpressionType.AndAssign or ExpressionType.OrAssign or ExpressionType.ExclusiveOrAssign
        or ExpressionType.LeftShiftAssign or ExpressionType.RightShiftAssign or ExpressionType.PowerAssign;

    private CodeGenerationRefusedException Refuse(string what, string why) =>
        new(module.Name, $"compiling an {site} that {what}", why);
}
