// Code generation that no check covers: each route is refused at run time, at the call, with module, API and reason;
// a library that falls back when emission fails keeps working. Each method returns "ran" or the refusal's message.
using System;
using System.Linq;
using System.Linq.Expressions;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace CodeGenCases;

public static class Refusals
{
    private static string Try(Func<object?> action)
    {
        try { action(); return "ran"; }
        catch (Exception e) { return e.GetType().FullName + ": " + e.Message; }
    }

    public static string Calli() => Try(() =>
    {
        var dm = new DynamicMethod("C", null, Type.EmptyTypes, typeof(Refusals).Module);
        dm.GetILGenerator().EmitCalli(OpCodes.Calli, CallingConventions.Standard, null, Type.EmptyTypes, null);
        return null;
    });

    public static string UnsafeAs() => Try(() =>
    {
        var dm = new DynamicMethod("U", typeof(string), new[] { typeof(object) }, typeof(Refusals).Module);
        var il = dm.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, typeof(Unsafe).GetMethod("As", 1, new[] { typeof(object) })!);
        il.Emit(OpCodes.Ret);
        return dm;
    });

    public static string OwnerOfAnotherAssembly() => Try(() => new DynamicMethod("O", null, Type.EmptyTypes, typeof(string)));

    public static string StringFieldWrite() => Try(() =>
    {
        var dm = new DynamicMethod("S", null, new[] { typeof(string) }, typeof(Refusals).Module, skipVisibility: true);
        var il = dm.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldc_I4_0);
        il.Emit(OpCodes.Stfld, typeof(string).GetField("_stringLength", BindingFlags.NonPublic | BindingFlags.Instance)!);
        return dm;
    });

    public static string ObjectSlotPointer() => Try(() =>
    {
        var dm = new DynamicMethod("P", typeof(nint), Type.EmptyTypes, typeof(Refusals).Module);
        var il = dm.GetILGenerator();
        var slot = il.DeclareLocal(typeof(object));
        il.Emit(OpCodes.Ldloca, slot);
        il.Emit(OpCodes.Conv_U);
        return dm;
    });

    public static string EmittedReflectionWrite() => Try(() =>
    {
        var dm = new DynamicMethod("R", null, new[] { typeof(FieldInfo), typeof(object) }, typeof(Refusals).Module);
        var il = dm.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Ldnull);
        il.Emit(OpCodes.Callvirt, typeof(FieldInfo).GetMethod("SetValue", new[] { typeof(object), typeof(object) })!);
        return dm;
    });

    // A library's fast path: define a type at run time; its fallback: do the work without generated code.
    public static string TypeBuilderWithFallback()
    {
        try
        {
            var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("Gen"), AssemblyBuilderAccess.Run);
            return "emitted " + assembly.GetName().Name;
        }
        catch (NotSupportedException e)
        {
            return "fallback after: " + e.Message;
        }
    }

    public static string QueryableTree() => Try(() =>
    {
        var x = Expression.Parameter(typeof(int), "x");
        return new[] { 1, 2 }.AsQueryable().Select(Expression.Lambda<Func<int, int>>(x, x)).ToList();
    });

    public static string LoadGarbage() => Try(() => Assembly.Load(new byte[] { 1, 2, 3 }));

    public static string LoadFrameworkFileByPath() => Try(() => Assembly.LoadFrom(typeof(Enumerable).Assembly.Location));

    public static string LoadFrameworkByName() => Try(() => Assembly.Load("System.Linq"));

    public static string LoadGuardRuntimeByName() => Try(() => Assembly.Load("GuardRuntime"));

    public static string LoadBytes(byte[] image) => Try(() => Assembly.Load(image));

    public static string LoadedName(byte[] image) => Assembly.Load(image).FullName!;
}
