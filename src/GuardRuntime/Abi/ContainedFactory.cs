using System.Reflection;
using System.Reflection.Emit;

namespace GuardRuntime;

/// <summary>
/// Builds, once per delegate type, the code that wraps one delegate of that type: for a signature of up to four
/// parameters without byrefs, a small method that views the callback as the matching <c>Func</c>/<c>Action</c>,
/// puts it in a <see cref="ContainedFunc{TR}"/>-style invoker and returns a delegate of the original type bound to
/// the invoker (three allocations per wrap, two extra indirect calls per invocation). Null when the shape has no
/// invoker or the code cannot be built (the caller then uses its general, slower path).
/// </summary>
internal static class ContainedFactory
{
    public static Func<Delegate, Containment.State, Delegate>? TryBuild(Type delegateType)
    {
        var invoke = delegateType.GetMethod("Invoke")!;
        var parameters = invoke.GetParameters().Select(p => p.ParameterType).ToArray();
        if (parameters.Length > 4 || parameters.Any(p => p.IsByRef || p.IsPointer || p.IsByRefLike)
            || invoke.ReturnType.IsByRef || invoke.ReturnType.IsByRefLike || invoke.ReturnType.IsPointer)
            return null;
        bool isVoid = invoke.ReturnType == typeof(void);
        if (isVoid && parameters.Length == 0) return null; // Action-shaped types have their own wrappers
        var args = isVoid ? parameters : [.. parameters, invoke.ReturnType];
        Type canonical = (isVoid ? ActionOf(args.Length) : FuncOf(args.Length)).MakeGenericType(args);
        Type invoker = (isVoid ? ActionInvokerOf(args.Length) : FuncInvokerOf(args.Length)).MakeGenericType(args);
        try
        {
            var method = new DynamicMethod("Contain_" + delegateType.Name, typeof(Delegate),
                [typeof(Delegate), typeof(Containment.State)], typeof(ContainedFactory).Module, skipVisibility: true);
            var il = method.GetILGenerator();
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Castclass, delegateType);
            if (delegateType != canonical) // a Comparison<T> or Predicate<T> is viewed as its Func through its Invoke
            {
                il.Emit(OpCodes.Dup);
                il.Emit(OpCodes.Ldvirtftn, invoke);
                il.Emit(OpCodes.Newobj, canonical.GetConstructor([typeof(object), typeof(IntPtr)])!);
            }
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Newobj, invoker.GetConstructors().Single());
            il.Emit(OpCodes.Ldftn, invoker.GetMethod("Invoke")!);
            il.Emit(OpCodes.Newobj, delegateType.GetConstructor([typeof(object), typeof(IntPtr)])!);
            il.Emit(OpCodes.Ret);
            var create = method.CreateDelegate<Func<Delegate, Containment.State, Delegate>>();
            // Run it once now, so that code the JIT refuses fails here (and falls back), not in a module's call.
            create(Placeholder(delegateType, invoke), new Containment.State(null!, false));
            return create;
        }
        catch (Exception e) when (e is NotSupportedException or InvalidProgramException or ArgumentException
                                       or TypeLoadException or MemberAccessException)
        {
            return null; // e.g. a delegate type of a collectible module that a shared dynamic method may not name
        }
    }

    // A delegate of the type to run the factory once on (a body that is never called).
    private static Delegate Placeholder(Type delegateType, MethodInfo invoke)
    {
        Type[] parameters = [.. invoke.GetParameters().Select(p => p.ParameterType)];
        var never = new DynamicMethod("Never", invoke.ReturnType, parameters, typeof(ContainedFactory).Module, skipVisibility: true);
        var il = never.GetILGenerator();
        il.Emit(OpCodes.Ldnull);
        il.Emit(OpCodes.Throw);
        return never.CreateDelegate(delegateType);
    }

    private static Type FuncOf(int n) => n switch
    {
        1 => typeof(Func<>), 2 => typeof(Func<,>), 3 => typeof(Func<,,>), 4 => typeof(Func<,,,>),
        _ => typeof(Func<,,,,>),
    };

    private static Type ActionOf(int n) => n switch
    {
        1 => typeof(Action<>), 2 => typeof(Action<,>), 3 => typeof(Action<,,>), _ => typeof(Action<,,,>),
    };

    private static Type FuncInvokerOf(int n) => n switch
    {
        1 => typeof(ContainedFunc<>), 2 => typeof(ContainedFunc<,>), 3 => typeof(ContainedFunc<,,>),
        4 => typeof(ContainedFunc<,,,>), _ => typeof(ContainedFunc<,,,,>),
    };

    private static Type ActionInvokerOf(int n) => n switch
    {
        1 => typeof(ContainedAction<>), 2 => typeof(ContainedAction<,>), 3 => typeof(ContainedAction<,,>),
        _ => typeof(ContainedAction<,,,>),
    };
}
