// A module that generates code at run time the way serializers and mappers do: DynamicMethods emitted with
// ILGenerator, and expression trees compiled with Compile. Run woven and unwoven, its output must be identical.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Linq.Expressions;
using System.Reflection;
using System.Reflection.Emit;
using System.Text;

namespace CodeGenCases;

public sealed class Acc
{
    public int Total;
    public int Parsed;
    public int[] History = new int[4];
    public Inner Inner;
    public string Name = "";
    public static int Count;
    public int Doubled { get; set; }
    public List<int> Items = new();
}

public struct Inner
{
    public int X;
    public long Y;
}

public static class Workload
{
    public static string Run()
    {
        var log = new StringBuilder();
        log.Append("sum=").Append(EmittedSum()(new[] { 1, 2, 3, 4, 5, 100 })).Append(';');
        var acc = new Acc();
        var setter = EmittedSetter();
        setter(acc, 7);
        setter(acc, 9);
        log.Append($"emit: total={acc.Total} history={string.Join(",", acc.History)} count={Acc.Count} inner={acc.Inner.X};");
        log.Append("calls=").Append(EmittedCalls()(acc)).Append(';');
        log.Append("invoke=").Append(InvokedThroughReflection()).Append(';');
        log.Append("guarded-try=").Append(EmittedTryCatch()(0)).Append(',').Append(EmittedTryCatch()(5)).Append(';');
        log.Append("nested=").Append(EmittedCompile()).Append(';');
        log.Append("trees=").Append(Trees(interpret: false)).Append(';');
        log.Append("interpreted=").Append(Trees(interpret: true)).Append(';');
        return log.ToString();
    }

    // int Sum(int[] a): a loop with a local, labels, ldelem and a branch.
    private static Func<int[], int> EmittedSum()
    {
        var dm = new DynamicMethod("Sum", typeof(int), new[] { typeof(int[]) }, typeof(Workload).Module);
        var il = dm.GetILGenerator();
        var sum = il.DeclareLocal(typeof(int));
        var i = il.DeclareLocal(typeof(int));
        Label test = il.DefineLabel(), body = il.DefineLabel();
        il.Emit(OpCodes.Br, test);
        il.MarkLabel(body);
        il.Emit(OpCodes.Ldloc, sum);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldloc, i);
        il.Emit(OpCodes.Ldelem_I4);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Stloc, sum);
        il.Emit(OpCodes.Ldloc, i);
        il.Emit(OpCodes.Ldc_I4_1);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Stloc, i);
        il.MarkLabel(test);
        il.Emit(OpCodes.Ldloc, i);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldlen);
        il.Emit(OpCodes.Conv_I4);
        il.Emit(OpCodes.Blt, body);
        il.Emit(OpCodes.Ldloc, sum);
        il.Emit(OpCodes.Ret);
        return (Func<int[], int>)dm.CreateDelegate(typeof(Func<int[], int>));
    }

    // (Acc a, int v) => { a.Total += v; a.History[1] = v; Acc.Count++; a.Inner.X = v (through ldflda); }
    private static Action<Acc, int> EmittedSetter()
    {
        var dm = new DynamicMethod("Set", null, new[] { typeof(Acc), typeof(int) }, typeof(Acc));
        var il = dm.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, typeof(Acc).GetField("Total")!);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Stfld, typeof(Acc).GetField("Total")!);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, typeof(Acc).GetField("History")!);
        il.Emit(OpCodes.Ldc_I4_1);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Stelem_I4);
        il.Emit(OpCodes.Ldsfld, typeof(Acc).GetField("Count")!);
        il.Emit(OpCodes.Ldc_I4_1);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Stsfld, typeof(Acc).GetField("Count")!);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldflda, typeof(Acc).GetField("Inner")!);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Stfld, typeof(Inner).GetField("X")!);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldflda, typeof(Acc).GetField("Inner")!);
        il.Emit(OpCodes.Ldflda, typeof(Inner).GetField("Y")!);
        il.Emit(OpCodes.Ldc_I8, 42L);
        il.Emit(OpCodes.Stind_I8);
        il.Emit(OpCodes.Ret);
        return dm.CreateDelegate<Action<Acc, int>>();
    }

    // Framework calls (read-only, a writer of its receiver, a collection) and the module's own method.
    private static Func<Acc, string> EmittedCalls()
    {
        var dm = new DynamicMethod("Calls", typeof(string), new[] { typeof(Acc) }, typeof(Workload).Module, skipVisibility: true);
        var il = dm.GetILGenerator();
        var sb = il.DeclareLocal(typeof(StringBuilder));
        il.Emit(OpCodes.Newobj, typeof(StringBuilder).GetConstructor(Type.EmptyTypes)!);
        il.Emit(OpCodes.Stloc, sb);
        il.Emit(OpCodes.Ldloc, sb);
        il.Emit(OpCodes.Ldc_I4_3);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, typeof(Acc).GetField("Total")!);
        il.Emit(OpCodes.Call, typeof(Math).GetMethod("Max", new[] { typeof(int), typeof(int) })!);
        il.EmitCall(OpCodes.Callvirt, typeof(StringBuilder).GetMethod("Append", new[] { typeof(int) })!, null);
        il.Emit(OpCodes.Pop);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, typeof(Acc).GetField("Items")!);
        il.Emit(OpCodes.Ldc_I4, 11);
        il.Emit(OpCodes.Callvirt, typeof(List<int>).GetMethod("Add")!);
        il.Emit(OpCodes.Ldloc, sb);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, typeof(Workload).GetMethod(nameof(Describe), BindingFlags.NonPublic | BindingFlags.Static)!);
        il.EmitCall(OpCodes.Callvirt, typeof(StringBuilder).GetMethod("Append", new[] { typeof(string) })!, null);
        il.Emit(OpCodes.Callvirt, typeof(object).GetMethod("ToString")!);
        il.Emit(OpCodes.Ret);
        return (Func<Acc, string>)dm.CreateDelegate(typeof(Func<Acc, string>));
    }

    private static string Describe(Acc a) => $"/items={a.Items.Count}";

    private static object? InvokedThroughReflection()
    {
        var dm = new DynamicMethod("Twice", typeof(int), new[] { typeof(int) });
        var il = dm.GetILGenerator(16);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldc_I4_2);
        il.Emit(OpCodes.Mul);
        il.Emit(OpCodes.Ret);
        return dm.Invoke(null, new object[] { 21 });
    }

    // try { return 10 / x; } catch (DivideByZeroException) { return -1; }
    private static Func<int, int> EmittedTryCatch()
    {
        var dm = new DynamicMethod("Div", typeof(int), new[] { typeof(int) }, typeof(Workload).Module);
        var il = dm.GetILGenerator();
        var result = il.DeclareLocal(typeof(int));
        il.BeginExceptionBlock();
        il.Emit(OpCodes.Ldc_I4_S, (byte)10);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Div);
        il.Emit(OpCodes.Stloc, result);
        il.BeginCatchBlock(typeof(DivideByZeroException));
        il.Emit(OpCodes.Pop);
        il.Emit(OpCodes.Ldc_I4_M1);
        il.Emit(OpCodes.Stloc, result);
        il.EndExceptionBlock();
        il.Emit(OpCodes.Ldloc, result);
        il.Emit(OpCodes.Ret);
        return (Func<int, int>)dm.CreateDelegate(typeof(Func<int, int>));
    }

    // Generated code that generates code: the emitted call to LambdaExpression.Compile goes to the shim as well.
    private static int EmittedCompile()
    {
        var dm = new DynamicMethod("CompileIt", typeof(Delegate), new[] { typeof(LambdaExpression) }, typeof(Workload).Module);
        var il = dm.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Callvirt, typeof(LambdaExpression).GetMethod("Compile", Type.EmptyTypes)!);
        il.Emit(OpCodes.Ret);
        var compile = (Func<LambdaExpression, Delegate>)dm.CreateDelegate(typeof(Func<LambdaExpression, Delegate>));
        var x = Expression.Parameter(typeof(int), "x");
        var square = (Func<int, int>)compile(Expression.Lambda<Func<int, int>>(Expression.Multiply(x, x), x));
        return square(12);
    }

    private static string Trees(bool interpret)
    {
        var a = Expression.Parameter(typeof(Acc), "a");
        var v = Expression.Parameter(typeof(int), "v");
        var total = Expression.Field(a, typeof(Acc).GetField("Total")!);
        var body = Expression.Block(
            Expression.Assign(total, v),
            Expression.AddAssign(total, Expression.Constant(1)),
            Expression.Assign(Expression.ArrayAccess(Expression.Field(a, "History"), Expression.Constant(2)), v),
            Expression.PostIncrementAssign(Expression.Field(null, typeof(Acc).GetField("Count")!)),
            Expression.Assign(Expression.Property(a, "Doubled"), Expression.Multiply(v, Expression.Constant(2))),
            Expression.Assign(Expression.Field(Expression.Field(a, "Inner"), "X"), v),
            Expression.Call(typeof(int).GetMethod("TryParse", new[] { typeof(string), typeof(int).MakeByRefType() })!,
                Expression.Constant("314"), Expression.Field(a, "Parsed")),
            Expression.Call(Expression.Field(a, "Items"), typeof(List<int>).GetMethod("Add")!, v));
        var set = Expression.Lambda<Action<Acc, int>>(body, a, v).Compile(interpret);
        var target = new Acc();
        set(target, 5);
        var make = Expression.Lambda<Func<Acc>>(Expression.MemberInit(Expression.New(typeof(Acc)),
            Expression.Bind(typeof(Acc).GetField("Total")!, Expression.Constant(3)),
            Expression.Bind(typeof(Acc).GetField("Name")!, Expression.Constant("made")),
            Expression.ListBind(typeof(Acc).GetField("Items")!, Expression.ElementInit(typeof(List<int>).GetMethod("Add")!, Expression.Constant(8)))));
        var made = make.Compile(interpret)();
        var list = Expression.Lambda<Func<List<int>>>(Expression.ListInit(Expression.New(typeof(List<int>)), Expression.Constant(1), Expression.Constant(2)));
        var untyped = (Func<List<int>>)((LambdaExpression)list).Compile();
        return $"{target.Total}/{target.History[2]}/{target.Doubled}/{target.Inner.X}/{target.Parsed}/{target.Items.Sum()}/"
               + $"{made.Total}{made.Name}{made.Items.Sum()}/{untyped().Count}/{Acc.Count}";
    }
}
