// A module that reflects the way serializers, mappers and DI containers do: it populates objects through FieldInfo and
// PropertyInfo, constructs them with Activator and ConstructorInfo, calls methods with MethodBase.Invoke, binds
// delegates with CreateDelegate, and calls a framework writer (Array.Copy) by reflection. Run woven and unwoven, its
// output must be identical; under a policy that protects only what it never touches it must not be stopped.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Text;

namespace ReflectionCases;

public sealed class Dto
{
    public int Id;
    public string Name = "";
    private int hidden = 3;
    public static int Created;
    public long Size { get; set; }
    public List<int> Tags { get; } = new();
    public int[] Slots = new int[4];
    public Dto() => Created++;
    public Dto(int id, string name) : this() { Id = id; Name = name; }
    public int Hidden => hidden;
    public int Add(int a, int b) => Id += a + b;
    public static int Twice(int x) => 2 * x;
    public static void Swap(ref int a, ref int b) { (a, b) = (b, a); }
    public override string ToString() => $"{Id}/{Name}/{Size}/{hidden}/[{string.Join(",", Tags)}]/[{string.Join(",", Slots)}]";
}

public struct Point { public int X; public int Y; }

public sealed class Sink<T> where T : new()
{
    public T Make() => new T(); // Activator.CreateInstance<T>()
}

public static class Workload
{
    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    public static string Run()
    {
        var log = new StringBuilder();
        // A serializer: populate by field and property.
        var dto = (Dto)Activator.CreateInstance(typeof(Dto))!;
        typeof(Dto).GetField("Id")!.SetValue(dto, 7);
        typeof(Dto).GetField("Name")!.SetValue(dto, "seven");
        typeof(Dto).GetField("hidden", All)!.SetValue(dto, 11); // the module's own private field
        typeof(Dto).GetProperty("Size")!.SetValue(dto, 1234L);
        typeof(Dto).GetField("Id")!.SetValue(dto, 8, BindingFlags.Default, null, null);
        ((List<int>)typeof(Dto).GetProperty("Tags")!.GetValue(dto)!).Add(5);
        log.Append("dto=").Append(dto).Append(';');
        log.Append("get=").Append(typeof(Dto).GetField("Name")!.GetValue(dto)).Append(',')
            .Append(typeof(Dto).GetProperty("Size")!.GetValue(dto)).Append(';');
        // Constructors.
        var made = (Dto)typeof(Dto).GetConstructor(new[] { typeof(int), typeof(string) })!.Invoke(new object[] { 3, "three" });
        var viaActivator = (Dto)Activator.CreateInstance(typeof(Dto), 4, "four")!;
        var viaFlags = (Dto)Activator.CreateInstance(typeof(Dto), BindingFlags.Public | BindingFlags.Instance, null,
            new object[] { 5, "five" }, null)!;
        log.Append("ctor=").Append(made).Append('|').Append(viaActivator).Append('|').Append(viaFlags).Append(';');
        var point = (Point)Activator.CreateInstance(typeof(Point))!;
        var list = (List<string>)Activator.CreateInstance(typeof(List<string>))!;
        list.Add("x");
        var sb = (StringBuilder)Activator.CreateInstance(typeof(StringBuilder), "sb")!;
        log.Append("framework=").Append(point.X).Append(list.Count).Append(sb).Append(';');
        log.Append("generic=").Append(new Sink<Dto>().Make().Id).Append(new Sink<List<int>>().Make().Count).Append(';');
        var raw = (Dto)RuntimeHelpers.GetUninitializedObject(typeof(Dto));
        log.Append("uninit=").Append(raw.Name is null).Append(';');
        // Methods: instance, static, by ref, a framework writer into the module's own array.
        log.Append("invoke=").Append(typeof(Dto).GetMethod("Add")!.Invoke(dto, new object[] { 1, 2 })).Append(',')
            .Append(typeof(Dto).GetMethod("Twice")!.Invoke(null, new object[] { 21 }));
        var pair = new object[] { 1, 2 };
        typeof(Dto).GetMethod("Swap")!.Invoke(null, pair);
        log.Append(',').Append(pair[0]).Append(pair[1]);
        typeof(Array).GetMethod("Copy", new[] { typeof(Array), typeof(Array), typeof(int) })!
            .Invoke(null, new object[] { new[] { 9, 8, 7 }, dto.Slots, 3 });
        log.Append(",slots=").Append(string.Join(",", dto.Slots)).Append(';');
        // Delegates.
        var twice = (Func<int, int>)Delegate.CreateDelegate(typeof(Func<int, int>), typeof(Dto).GetMethod("Twice")!);
        var add = typeof(Dto).GetMethod("Add")!.CreateDelegate<Func<int, int, int>>(dto);
        var byName = (Func<int, int, int>)Delegate.CreateDelegate(typeof(Func<int, int, int>), made, "Add");
        var parse = (Func<string, int>)Delegate.CreateDelegate(typeof(Func<string, int>), typeof(int), "Parse");
        Func<object, object> getName = typeof(Dto).GetField("Name")!.GetValue; // delegates to the reflection members themselves
        Action<object, object> setSize = typeof(Dto).GetProperty("Size")!.SetValue;
        Func<Type, object> make = Activator.CreateInstance;
        setSize(made, 77L);
        log.Append("bound=").Append(getName(made)).Append(made.Size).Append(((Dto)make(typeof(Dto))).Id).Append(';');
        log.Append("delegates=").Append(twice(5)).Append(',').Append(add(1, 1)).Append(',').Append(byName(2, 2)).Append(',')
            .Append(parse("17")).Append(';');
        // Reflection reached by reflection, and from emitted code.
        typeof(FieldInfo).GetMethod("SetValue", new[] { typeof(object), typeof(object) })!
            .Invoke(typeof(Dto).GetField("Id"), new object[] { dto, 99 });
        log.Append("meta=").Append(dto.Id).Append(',');
        var dm = new DynamicMethod("SetByReflection", null, new[] { typeof(FieldInfo), typeof(object), typeof(object) }, typeof(Workload).Module);
        var il = dm.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Ldarg_2);
        il.Emit(OpCodes.Callvirt, typeof(FieldInfo).GetMethod("SetValue", new[] { typeof(object), typeof(object) })!);
        il.Emit(OpCodes.Ret);
        var setter = (Action<FieldInfo, object, object>)dm.CreateDelegate(typeof(Action<FieldInfo, object, object>));
        setter(typeof(Dto).GetField("Id")!, dto, 100);
        log.Append(dto.Id).Append(';');
        log.Append("created=").Append(Dto.Created).Append(';');
        return log.ToString();
    }

    /// <summary>Writes <paramref name="target"/>'s public field by reflection (the deny tests aim it at a protected object).</summary>
    public static void SetField(object target, string field, object value) => target.GetType().GetField(field)!.SetValue(target, value);

    /// <summary>Calls a framework writer by reflection into <paramref name="destination"/>.</summary>
    public static void CopyInto(int[] destination) =>
        typeof(Array).GetMethod("Copy", new[] { typeof(Array), typeof(Array), typeof(int) })!
            .Invoke(null, new object[] { new int[destination.Length], destination, destination.Length });

    /// <summary>Tries one thing the checks refuse; returns the exception's type and message.</summary>
    public static string Refused(string what)
    {
        try
        {
            switch (what)
            {
                case "handle":
                    Type.GetType("<WeaverGuard>")!.GetField("Module", All)!.GetValue(null);
                    break;
                case "runtime":
                    Type.GetType("GuardRuntime.GuardPolicies, GuardRuntime", true)!.GetMethod("Reload")!.Invoke(null, null);
                    break;
                case "runtime-field": // replace the reflection checks themselves
                    Type.GetType("GuardRuntime.ReflectionBinding, GuardRuntime.Abi", true)!.GetField("host", All)!.SetValue(null, null);
                    break;
                case "emit":
                    typeof(AssemblyBuilder).GetMethod("DefineDynamicAssembly", new[] { typeof(AssemblyName), typeof(AssemblyBuilderAccess) })!
                        .Invoke(null, new object[] { new AssemblyName("x"), AssemblyBuilderAccess.Run });
                    break;
                case "framework-private":
                    typeof(List<int>).GetField("_items", All)!.GetValue(new List<int>());
                    break;
                case "delegate-to-writer":
                    Delegate.CreateDelegate(typeof(Action<object, object>), typeof(Dto).GetField("Id"),
                        typeof(FieldInfo).GetMethod("SetValue", new[] { typeof(object), typeof(object) })!);
                    break;
                case "boxed":
                    object box = new Point();
                    typeof(Point).GetField("X")!.SetValue(box, 1);
                    break;
                default:
                    return "unknown case";
            }
            return "ran";
        }
        catch (Exception e)
        {
            for (; e is TargetInvocationException { InnerException: { } inner }; e = inner) { }
            return e.GetType().FullName + ": " + e.Message;
        }
    }
}
