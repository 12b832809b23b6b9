using System.Reflection;
using System.Reflection.Emit;
using GuardRuntime.CodeGeneration;
using GuardRuntime.Effects;

namespace GuardRuntime.Reflection;

/// <summary>
/// The checks of a method or constructor reached by reflection (invoked, constructed, or bound to a delegate), the
/// checks a compiled call of it gets: nothing for the module's own code; for a host member, the host's exports and the
/// call rules (<c>Guard.Call</c>); for another module, the call rules; for a framework member, the effect model with the
/// arguments as they are at run time (a reviewed row's array ranges by element, whole-object writes otherwise); a
/// reflection or code-generation member is redirected to its shim; whatever cannot be checked is refused.
/// </summary>
internal static class ReflectedCalls
{
    /// <summary>A redirection: the shim that stands in for a reflection or code-generation member, and whether it takes a site.</summary>
    public sealed record Route(MethodInfo Shim, bool TakesSite);

    /// <summary>
    /// Checks a call of <paramref name="method"/> on <paramref name="target"/> with <paramref name="arguments"/>;
    /// returns the shim to run instead, or null when the method itself may run. Throws when it is refused or denied.
    /// </summary>
    public static Route? Check(ModuleGuard module, int site, MethodBase method, object? target, object?[]? arguments, string api)
    {
        if (method is DynamicMethod dynamic)
            return CodeGenerationHost.Instance.MadeBy(dynamic) == module
                ? null
                : throw Refuse(module, site, api, "the dynamic method was not made by this module through the guard");
        if (!ReflectionRules.IsRuntimeObject(method))
            throw Refuse(module, site, api, $"{method.GetType().FullName} is not a method the runtime made, so what it runs is unknown");
        if (Shim(method) is { } route) return route;
        var type = method.DeclaringType;
        if (ReflectionRules.Forbidden(type, module) is { } forbidden) throw Refuse(module, site, api, forbidden);
        var origin = EmittedMembers.OriginOf(type!.Assembly, module);
        var name = DynamicTargets.MethodName(method);
        var assembly = type.Assembly.GetName().Name;
        var parameters = method.GetParameters();
        switch (origin)
        {
            case Origin.Own:
                return null;
            case Origin.Host or Origin.Woven:
            {
                var callTarget = new GuardTarget(0, TargetKind.Call, name, assembly);
                if (ReflectionRules.NonPublic(module, method, origin, callTarget) is { } hidden) throw Refuse(module, site, api, hidden);
                if (origin == Origin.Host && !EmittedMembers.IsExported(method))
                    throw Refuse(module, site, api, $"{name} is a host method the host does not export");
                if (parameters.Any(p => p.ParameterType.IsPointer || p.ParameterType.IsFunctionPointer))
                    throw Refuse(module, site, api, "a host method taking a pointer cannot be checked");
                var (tid, sid) = ReflectionSites.For(module, site, method, TargetKind.Call, name, assembly);
                Guard.Call(tid, sid, module);
                WrittenBack(module, site, parameters, arguments);
                return null;
            }
        }
        // The shared framework: as emitted code is judged (CallPlan), with the reviewed row's array ranges used as such.
        var plan = CallPlan.For(method, module, functionPointer: false);
        if (plan.Refusal is { } why) throw Refuse(module, site, api, why);
        var rule = EffectModel.Framework.Classify(DynamicTargets.TypeName(type), method.Name, Signature.Of(method));
        if (rule is { IsExact: true, Class: EffectClass.WritesArguments })
        {
            foreach (var extent in rule.Extents) Extent(module, site, extent, target, arguments);
        }
        else
        {
            foreach (var index in plan.Objects)
                Object(module, site, index == -1 ? target : Argument(arguments, index));
        }
        WrittenBack(module, site, parameters, arguments);
        return null;
    }

    /// <summary>
    /// Checks a delegate bound to <paramref name="method"/>, as a function pointer taken in compiled code: the call rules
    /// where it is formed for a host member; refused for a framework member that writes what it is given, and for a
    /// reflection or code-generation member (a delegate cannot carry the module's identity to its shim).
    /// </summary>
    public static void CheckBinding(ModuleGuard module, int site, MethodInfo method, string api)
    {
        if (method is DynamicMethod dynamic)
        {
            if (CodeGenerationHost.Instance.MadeBy(dynamic) != module)
                throw Refuse(module, site, api, "the dynamic method was not made by this module through the guard");
            return;
        }
        if (!ReflectionRules.IsRuntimeObject(method))
            throw Refuse(module, site, api, $"{method.GetType().FullName} is not a method the runtime made, so what it runs is unknown");
        if (Shim(method) is not null)
            throw Refuse(module, site, api, $"a delegate to {DynamicTargets.MethodName(method)} would call a reflection or code-generation "
                                            + "member without the module's identity; call it directly, where it is checked");
        var type = method.DeclaringType;
        if (ReflectionRules.Forbidden(type, module) is { } forbidden) throw Refuse(module, site, api, forbidden);
        var origin = EmittedMembers.OriginOf(type!.Assembly, module);
        var name = DynamicTargets.MethodName(method);
        var assembly = type.Assembly.GetName().Name;
        switch (origin)
        {
            case Origin.Own:
                return;
            case Origin.Host or Origin.Woven:
            {
                if (ReflectionRules.NonPublic(module, method, origin, new GuardTarget(0, TargetKind.Call, name, assembly)) is { } hidden)
                    throw Refuse(module, site, api, hidden);
                if (origin == Origin.Host && !EmittedMembers.IsExported(method))
                    throw Refuse(module, site, api, $"{name} is a host method the host does not export");
                var (tid, sid) = ReflectionSites.For(module, site, method, TargetKind.Call, name, assembly);
                Guard.Call(tid, sid, module); // checked where the delegate is formed, as ldftn of a host method is
                return;
            }
        }
        var plan = CallPlan.For(method, module, functionPointer: true);
        if (plan.Refusal is { } why) throw Refuse(module, site, api, why);
    }

    /// <summary>The shim a reflection or code-generation member (or the member it overrides) is redirected to, or null.</summary>
    public static Route? Shim(MethodBase method)
    {
        var shim = ShimCatalogue.Find(method);
        if (shim is null && method is MethodInfo info && info.GetBaseDefinition() is var definition && definition != info)
            shim = ShimCatalogue.Find(definition);
        return shim is null ? null : new Route(shim, ShimCatalogue.TakesSite(shim));
    }

    private static void Extent(ModuleGuard module, int site, EffectExtent extent, object? target, object?[]? arguments)
    {
        var destination = extent.Dest == EffectExtent.This ? target : Argument(arguments, extent.Dest);
        switch (extent.Kind)
        {
            case ExtentKind.Array when destination is Array array:
            {
                nint start = extent.Start >= 0 ? Native(Argument(arguments, extent.Start)) : 0;
                nint count = extent.Count >= 0 ? Native(Argument(arguments, extent.Count)) : -1;
                var (tid, sid) = ReflectionSites.For(module, site, null, TargetKind.Address, "*", null);
                Guard.StoreElements(array, start, count, tid, sid, module);
                break;
            }
            case ExtentKind.Array or ExtentKind.Object:
                Object(module, site, destination);
                break;
            default:
                throw Refuse(module, site, "a reflected call", "it writes through a pointer, span or vector, which reflection cannot pass");
        }
    }

    private static void Object(ModuleGuard module, int site, object? value)
    {
        if (value is null or string or Delegate) return; // what compiled code does not check as a write handle either
        var (tid, sid) = ReflectionSites.For(module, site, null, TargetKind.Object, "*", null);
        Guard.StoreObject(value, tid, sid, module);
    }

    // Reflection writes what a ref or out parameter received back into the argument array (the module's own array, or one
    // it was handed): a write of that array.
    private static void WrittenBack(ModuleGuard module, int site, ParameterInfo[] parameters, object?[]? arguments)
    {
        if (arguments is not null && parameters.Any(p => p.ParameterType.IsByRef)) Object(module, site, arguments);
    }

    private static object? Argument(object?[]? arguments, int index) =>
        arguments is not null && (uint)index < (uint)arguments.Length ? arguments[index] : null;

    private static nint Native(object? value) => value switch
    {
        int i => i,
        long l => (nint)l,
        nint n => n,
        _ => 0,
    };

    public static ReflectionRefusedException Refuse(ModuleGuard module, int site, string api, string why) =>
        new(module.Name, api, why, ReflectionSites.Location(module, site).ToString());
}
