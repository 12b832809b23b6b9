using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using GuardRuntime.CodeGeneration;

namespace GuardRuntime.Reflection;

/// <summary>
/// The host side of the reflection shims (<see cref="GuardRuntime.ReflectionShims"/> in the ABI): every write and call
/// a module makes by reflection is resolved to the member it reaches and checked as the compiled store or call of that
/// member would be, with the violation reported at the module's reflection call (its method, IL offset and line).
/// </summary>
internal sealed class ReflectionHost : IReflectionHost
{
    public static ReflectionHost Instance { get; } = new();

    // ---- Fields -----------------------------------------------------------------------------------------------------

    public void SetField(ModuleHandle handle, int site, FieldInfo field, object? target, object? value, BindingFlags flags,
        Binder? binder, CultureInfo? culture, bool full)
    {
        var module = (ModuleGuard)handle;
        var api = $"FieldInfo.SetValue on {Name(field)}";
        if (Owned(module, field))
        {
            Set(field, target, value, flags, binder, culture, full); // the module's own FieldInfo subclass: its code is woven
            return;
        }
        var (origin, fieldTarget) = Reach(module, site, field, api);
        if (origin != Origin.Own && (field.IsInitOnly || field.IsLiteral))
            throw ReflectedCalls.Refuse(module, site, api, $"{fieldTarget.Name} is a read-only field of another assembly, which compiled code cannot write");
        if (field.IsStatic)
        {
            var (tid, sid) = ReflectionSites.For(module, site, field, TargetKind.StaticField, fieldTarget.Name, fieldTarget.Assembly);
            Guard.StoreStatic(tid, sid, module);
        }
        else if (field.DeclaringType!.IsValueType)
        {
            // The receiver is a box: boxed values are shared and immutable under every policy (Guard.StoreObject says so).
            var (tid, sid) = ReflectionSites.For(module, site, null, TargetKind.Object, "*", null);
            Guard.StoreObject(target, tid, sid, module);
        }
        else
        {
            var (tid, sid) = ReflectionSites.For(module, site, field, TargetKind.InstanceField, fieldTarget.Name, fieldTarget.Assembly);
            Guard.StoreField(target, tid, sid, module);
        }
        Set(field, target, value, flags, binder, culture, full);
    }

    public object? GetField(ModuleHandle handle, int site, FieldInfo field, object? target)
    {
        var module = (ModuleGuard)handle;
        if (!Owned(module, field)) Reach(module, site, field, $"FieldInfo.GetValue on {Name(field)}");
        return field.GetValue(target);
    }

    // ---- Properties: the accessor is the call ----------------------------------------------------------------------

    public void SetProperty(ModuleHandle handle, int site, PropertyInfo property, object? target, object? value, BindingFlags flags,
        Binder? binder, object?[]? index, CultureInfo? culture, bool full)
    {
        var module = (ModuleGuard)handle;
        if (!Owned(module, property) && property.GetSetMethod(nonPublic: true) is { } setter)
        {
            object?[] arguments = [.. index ?? [], value];
            if (ReflectedCalls.Check(module, site, setter, target, arguments, $"PropertyInfo.SetValue on {Name(property)}") is { } route)
            {
                Route(module, site, route, setter, target, arguments);
                return;
            }
        }
        if (full) property.SetValue(target, value, flags, binder, index, culture);
        else property.SetValue(target, value, index);
    }

    public object? GetProperty(ModuleHandle handle, int site, PropertyInfo property, object? target, BindingFlags flags,
        Binder? binder, object?[]? index, CultureInfo? culture, bool full)
    {
        var module = (ModuleGuard)handle;
        if (!Owned(module, property) && property.GetGetMethod(nonPublic: true) is { } getter)
        {
            var arguments = index ?? [];
            if (ReflectedCalls.Check(module, site, getter, target, arguments, $"PropertyInfo.GetValue on {Name(property)}") is { } route)
                return Route(module, site, route, getter, target, arguments);
        }
        return full ? property.GetValue(target, flags, binder, index, culture) : property.GetValue(target, index);
    }

    // ---- Methods, constructors, instances ----------------------------------------------------------------------------

    public object? Invoke(ModuleHandle handle, int site, MethodBase method, object? target, BindingFlags flags, Binder? binder,
        object?[]? arguments, CultureInfo? culture, bool full)
    {
        var module = (ModuleGuard)handle;
        if (!Owned(module, method)
            && ReflectedCalls.Check(module, site, method, target, arguments, $"{Api(method)} on {Name(method)}") is { } route)
            return Route(module, site, route, method, target, arguments);
        if (method is ConstructorInfo constructor && target is null)
            return full ? constructor.Invoke(flags, binder, arguments, culture) : constructor.Invoke(arguments);
        return full ? method.Invoke(target, flags, binder, arguments, culture) : method.Invoke(target, arguments);
    }

    public object? CreateInstance(ModuleHandle handle, int site, Type type, BindingFlags flags, Binder? binder, object?[]? arguments,
        CultureInfo? culture, object?[]? activationAttributes)
    {
        var module = (ModuleGuard)handle;
        ArgumentNullException.ThrowIfNull(type);
        var api = $"Activator.CreateInstance of {type.FullName}";
        var actual = type.UnderlyingSystemType;
        if (!ReflectionRules.IsRuntimeObject(actual) || activationAttributes is { Length: > 0 } || actual.ContainsGenericParameters)
            return Activator.CreateInstance(type, flags, binder, arguments, culture, activationAttributes); // it throws
        if (ReflectionRules.Forbidden(actual, module) is { } forbidden) throw ReflectedCalls.Refuse(module, site, api, forbidden);
        if ((flags & (BindingFlags.Public | BindingFlags.NonPublic)) == 0) flags |= BindingFlags.Public;
        flags = (flags | BindingFlags.Instance) & ~BindingFlags.Static;
        var candidates = actual.GetConstructors(flags & ~BindingFlags.CreateInstance);
        arguments ??= [];
        // A struct without a parameterless constructor is its default value: no code runs.
        if (actual.IsValueType && arguments.Length == 0 && !candidates.Any(c => c.GetParameters().Length == 0))
            return Activator.CreateInstance(actual);
        if (candidates.Length == 0) return Activator.CreateInstance(type, flags, binder, arguments, culture); // it throws
        // Bind as Activator does, then run exactly the constructor that was checked.
        var bound = (ConstructorInfo)(binder ?? Type.DefaultBinder).BindToMethod(flags, candidates, ref arguments, null, culture, null,
            out var state);
        if (!Owned(module, bound) && ReflectedCalls.Check(module, site, bound, null, arguments, api) is not null)
            throw ReflectedCalls.Refuse(module, site, api, "the constructor is a reflection member");
        var result = bound.Invoke(flags, binder, arguments, culture);
        if (state is not null) (binder ?? Type.DefaultBinder).ReorderArgumentArray(ref arguments, state);
        return result;
    }

    public T CreateInstance<T>(ModuleHandle module, int site) =>
        (T)CreateInstance(module, site, typeof(T), BindingFlags.Public | BindingFlags.Instance | BindingFlags.CreateInstance,
            null, null, null, null)!;

    public object GetUninitializedObject(ModuleHandle handle, int site, Type type)
    {
        var module = (ModuleGuard)handle;
        ArgumentNullException.ThrowIfNull(type);
        var api = $"RuntimeHelpers.GetUninitializedObject of {type.FullName}";
        if (ReflectionRules.Forbidden(type, module) is { } forbidden) throw ReflectedCalls.Refuse(module, site, api, forbidden);
        var origin = EmittedMembers.OriginOf(type.Assembly, module);
        // An object whose constructor never ran forges what the constructor guards (a token, a capability): the module's
        // own types only, or a type the policy allows by an explicit call rule on its constructor.
        var constructor = new GuardTarget(0, TargetKind.Call, DynamicTargets.TypeName(type) + "::.ctor", type.Assembly.GetName().Name);
        if (origin != Origin.Own && !type.IsValueType && !ReflectionRules.AllowedExplicitly(module, constructor))
            throw ReflectedCalls.Refuse(module, site, api, $"an object of {type.FullName} ({constructor.Assembly}) created without its "
                + "constructor forges what the constructor guards; the host allows it with an explicit rule "
                + $"'allow call {constructor.Name}' in the module's policy");
        return RuntimeHelpers.GetUninitializedObject(type);
    }

    // ---- Delegates ------------------------------------------------------------------------------------------------------

    public void Binding(ModuleHandle handle, int site, MethodInfo method, string api)
    {
        ArgumentNullException.ThrowIfNull(method);
        var module = (ModuleGuard)handle;
        if (!Owned(module, method)) ReflectedCalls.CheckBinding(module, site, method, $"{api} on {Name(method)}");
    }

    public Delegate? Bound(ModuleHandle handle, int site, Delegate? bound, string api)
    {
        if (bound is null) return null;
        var module = (ModuleGuard)handle;
        foreach (var single in bound.GetInvocationList())
            if (!Owned(module, single.Method)) ReflectedCalls.CheckBinding(module, site, single.Method, $"{api} on {Name(single.Method)}");
        return bound;
    }

    public Exception Refusal(ModuleHandle handle, int site, string api)
    {
        var module = (ModuleGuard)handle;
        return ReflectedCalls.Refuse(module, site, api, ReflectionCatalogue.WhyUncovered(api));
    }

    public void Formed(ModuleHandle handle, int site, ref byte address, nuint length)
    {
        var module = (ModuleGuard)handle;
        var (tid, sid) = ReflectionSites.For(module, site, null, TargetKind.Address, "*", null);
        Guard.StoreAddress(ref address, length, tid, sid, module);
    }

    // ---- Helpers --------------------------------------------------------------------------------------------------------

    // The runtime's FieldInfo/PropertyInfo/MethodBase says what it reaches; one the module made itself (a subclass) runs the
    // module's own woven code, which is checked as it runs. Any other implementation is refused where it is checked.
    private static bool Owned(ModuleGuard module, object reflection) => reflection.GetType().Assembly == module.Assembly;

    // What reflection may reach at all, then the non-public rule, for a field.
    private static (Origin Origin, GuardTarget Target) Reach(ModuleGuard module, int site, FieldInfo field, string api)
    {
        if (!ReflectionRules.IsRuntimeObject(field))
            throw ReflectedCalls.Refuse(module, site, api, $"{field.GetType().FullName} is not a field the runtime made");
        if (ReflectionRules.Forbidden(field.DeclaringType, module) is { } forbidden) throw ReflectedCalls.Refuse(module, site, api, forbidden);
        var origin = EmittedMembers.OriginOf(field.DeclaringType!.Assembly, module);
        var target = new GuardTarget(0, field.IsStatic ? TargetKind.StaticField : TargetKind.InstanceField, DynamicTargets.FieldName(field),
            field.DeclaringType.Assembly.GetName().Name);
        if (ReflectionRules.NonPublic(module, field, origin, target) is { } hidden) throw ReflectedCalls.Refuse(module, site, api, hidden);
        return (origin, target);
    }

    private static void Set(FieldInfo field, object? target, object? value, BindingFlags flags, Binder? binder, CultureInfo? culture, bool full)
    {
        if (full) field.SetValue(target, value, flags, binder, culture);
        else field.SetValue(target, value);
    }

    // A reflection or code-generation member reached by reflection runs its shim, with the module's identity, as
    // reflection would run it (exceptions wrapped in TargetInvocationException).
    private static object? Route(ModuleGuard module, int site, ReflectedCalls.Route route, MethodBase method, object? target,
        object?[]? arguments)
    {
        var shim = route.Shim;
        if (shim.IsGenericMethodDefinition)
            shim = shim.MakeGenericMethod(method.IsGenericMethod ? method.GetGenericArguments() : method.DeclaringType!.GetGenericArguments());
        var all = new List<object?>();
        if (!method.IsStatic && method is not ConstructorInfo) all.Add(target);
        all.AddRange(arguments ?? []);
        if (route.TakesSite) all.Add(site);
        all.Add(module);
        return shim.Invoke(null, [.. all]);
    }

    private static string Name(MemberInfo member) =>
        member.DeclaringType is { } type ? $"{DynamicTargets.TypeName(type)}::{member.Name}" : member.Name;

    private static string Api(MethodBase method) => method is ConstructorInfo ? "ConstructorInfo.Invoke" : "MethodBase.Invoke";
}
