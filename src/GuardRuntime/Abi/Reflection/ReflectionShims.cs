using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace GuardRuntime;

/// <summary>
/// Reflection by woven modules, checked at run time. The weaver redirects a module's call to each member named by
/// <see cref="ReplacesAttribute"/> here (an instance member's receiver first), with the weaver's site of the call and
/// the module's handle last. The host runtime resolves the member and applies the rules of the compiled store or call
/// it stands for: field, type, namespace and instance rules for a field write; the host's exports and the call rules
/// for a host method or constructor; the effect model for a framework method; nothing for the module's own code;
/// refusal for the runtimes, the weaver's injected state and <c>System.Reflection.Emit</c>. Non-public members of other
/// assemblies are refused unless the module's policy allows them by an explicit rule. This is the weaver's ABI:
/// application code does not call these methods.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ReflectionShims
{
    // ---- Fields -------------------------------------------------------------------------------------------------

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(FieldInfo), nameof(FieldInfo.SetValue))]
    public static void SetValue(FieldInfo field, object? obj, object? value, int site, ModuleHandle module) =>
        Host.SetField(module, site, field, obj, value, BindingFlags.Default, null, null, false);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(FieldInfo), nameof(FieldInfo.SetValue))]
    public static void SetValue(FieldInfo field, object? obj, object? value, BindingFlags invokeAttr, Binder? binder,
        CultureInfo? culture, int site, ModuleHandle module) =>
        Host.SetField(module, site, field, obj, value, invokeAttr, binder, culture, true);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(FieldInfo), nameof(FieldInfo.GetValue))]
    public static object? GetValue(FieldInfo field, object? obj, int site, ModuleHandle module) =>
        Host.GetField(module, site, field, obj);

    // ---- Properties: their accessors are calls ---------------------------------------------------------------------

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(PropertyInfo), nameof(PropertyInfo.SetValue))]
    public static void SetValue(PropertyInfo property, object? obj, object? value, int site, ModuleHandle module) =>
        Host.SetProperty(module, site, property, obj, value, BindingFlags.Default, null, null, null, false);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(PropertyInfo), nameof(PropertyInfo.SetValue))]
    public static void SetValue(PropertyInfo property, object? obj, object? value, object?[]? index, int site, ModuleHandle module) =>
        Host.SetProperty(module, site, property, obj, value, BindingFlags.Default, null, index, null, false);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(PropertyInfo), nameof(PropertyInfo.SetValue))]
    public static void SetValue(PropertyInfo property, object? obj, object? value, BindingFlags invokeAttr, Binder? binder,
        object?[]? index, CultureInfo? culture, int site, ModuleHandle module) =>
        Host.SetProperty(module, site, property, obj, value, invokeAttr, binder, index, culture, true);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(PropertyInfo), nameof(PropertyInfo.GetValue))]
    public static object? GetValue(PropertyInfo property, object? obj, int site, ModuleHandle module) =>
        Host.GetProperty(module, site, property, obj, BindingFlags.Default, null, null, null, false);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(PropertyInfo), nameof(PropertyInfo.GetValue))]
    public static object? GetValue(PropertyInfo property, object? obj, object?[]? index, int site, ModuleHandle module) =>
        Host.GetProperty(module, site, property, obj, BindingFlags.Default, null, index, null, false);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(PropertyInfo), nameof(PropertyInfo.GetValue))]
    public static object? GetValue(PropertyInfo property, object? obj, BindingFlags invokeAttr, Binder? binder,
        object?[]? index, CultureInfo? culture, int site, ModuleHandle module) =>
        Host.GetProperty(module, site, property, obj, invokeAttr, binder, index, culture, true);

    // ---- Methods and constructors ----------------------------------------------------------------------------------

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(MethodBase), nameof(MethodBase.Invoke))]
    public static object? Invoke(MethodBase method, object? obj, object?[]? parameters, int site, ModuleHandle module) =>
        Host.Invoke(module, site, method, obj, BindingFlags.Default, null, parameters, null, false);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(MethodBase), nameof(MethodBase.Invoke))]
    public static object? Invoke(MethodBase method, object? obj, BindingFlags invokeAttr, Binder? binder, object?[]? parameters,
        CultureInfo? culture, int site, ModuleHandle module) =>
        Host.Invoke(module, site, method, obj, invokeAttr, binder, parameters, culture, true);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(ConstructorInfo), nameof(ConstructorInfo.Invoke))]
    public static object Construct(ConstructorInfo constructor, object?[]? parameters, int site, ModuleHandle module) =>
        Host.Invoke(module, site, constructor, null, BindingFlags.Default, null, parameters, null, false)!;

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(ConstructorInfo), nameof(ConstructorInfo.Invoke))]
    public static object Construct(ConstructorInfo constructor, BindingFlags invokeAttr, Binder? binder, object?[]? parameters,
        CultureInfo? culture, int site, ModuleHandle module) =>
        Host.Invoke(module, site, constructor, null, invokeAttr, binder, parameters, culture, true)!;

    // ---- Activator and uninitialised objects -----------------------------------------------------------------------

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Activator), nameof(Activator.CreateInstance))]
    public static object? CreateInstance(Type type, int site, ModuleHandle module) =>
        Host.CreateInstance(module, site, type, Public, null, null, null, null);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Activator), nameof(Activator.CreateInstance))]
    public static object? CreateInstance(Type type, bool nonPublic, int site, ModuleHandle module) =>
        Host.CreateInstance(module, site, type, nonPublic ? Public | BindingFlags.NonPublic : Public, null, null, null, null);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Activator), nameof(Activator.CreateInstance))]
    public static object? CreateInstance(Type type, object?[]? args, int site, ModuleHandle module) =>
        Host.CreateInstance(module, site, type, Public, null, args, null, null);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Activator), nameof(Activator.CreateInstance))]
    public static object? CreateInstance(Type type, object?[]? args, object?[]? activationAttributes, int site, ModuleHandle module) =>
        Host.CreateInstance(module, site, type, Public, null, args, null, activationAttributes);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Activator), nameof(Activator.CreateInstance))]
    public static object? CreateInstance(Type type, BindingFlags bindingAttr, Binder? binder, object?[]? args,
        CultureInfo? culture, int site, ModuleHandle module) =>
        Host.CreateInstance(module, site, type, bindingAttr, binder, args, culture, null);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Activator), nameof(Activator.CreateInstance))]
    public static object? CreateInstance(Type type, BindingFlags bindingAttr, Binder? binder, object?[]? args,
        CultureInfo? culture, object?[]? activationAttributes, int site, ModuleHandle module) =>
        Host.CreateInstance(module, site, type, bindingAttr, binder, args, culture, activationAttributes);

    /// <summary>
    /// Stands in for <c>Activator.CreateInstance&lt;T&gt;()</c> (what <c>new T()</c> compiles to) when the weaver cannot
    /// tell that T is the module's own or a framework type: a host T is constructed only as <c>new</c> would be.
    /// </summary>
    [Replaces(typeof(Activator), nameof(Activator.CreateInstance))]
    public static T CreateInstance<T>(int site, ModuleHandle module) => Host.CreateInstance<T>(module, site);

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(RuntimeHelpers), nameof(RuntimeHelpers.GetUninitializedObject))]
    public static object GetUninitializedObject(Type type, int site, ModuleHandle module) =>
        Host.GetUninitializedObject(module, site, type);

    // ---- Delegates: bound, then checked as a function pointer taken in compiled code (nothing has run yet) --------

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(MethodInfo), nameof(MethodInfo.CreateDelegate))]
    public static Delegate CreateDelegate(MethodInfo method, Type delegateType, int site, ModuleHandle module)
    {
        Host.Binding(module, site, method, "System.Reflection.MethodInfo::CreateDelegate(System.Type)");
        return Host.Bound(module, site, method.CreateDelegate(delegateType), "System.Reflection.MethodInfo::CreateDelegate(System.Type)")!;
    }

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(MethodInfo), nameof(MethodInfo.CreateDelegate))]
    public static Delegate CreateDelegate(MethodInfo method, Type delegateType, object? target, int site, ModuleHandle module)
    {
        const string api = "System.Reflection.MethodInfo::CreateDelegate(System.Type,System.Object)";
        Host.Binding(module, site, method, api);
        return Host.Bound(module, site, method.CreateDelegate(delegateType, target), api)!;
    }

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(MethodInfo), nameof(MethodInfo.CreateDelegate))]
    public static T CreateDelegate<T>(MethodInfo method, int site, ModuleHandle module) where T : Delegate
    {
        const string api = "System.Reflection.MethodInfo::CreateDelegate<T>()";
        Host.Binding(module, site, method, api);
        return (T)Host.Bound(module, site, method.CreateDelegate<T>(), api)!;
    }

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(MethodInfo), nameof(MethodInfo.CreateDelegate))]
    public static T CreateDelegate<T>(MethodInfo method, object? target, int site, ModuleHandle module) where T : Delegate
    {
        const string api = "System.Reflection.MethodInfo::CreateDelegate<T>(System.Object)";
        Host.Binding(module, site, method, api);
        return (T)Host.Bound(module, site, method.CreateDelegate<T>(target), api)!;
    }

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Delegate), nameof(Delegate.CreateDelegate))]
    public static Delegate BindDelegate(Type type, MethodInfo method, int site, ModuleHandle module)
    {
        const string api = "System.Delegate::CreateDelegate(System.Type,System.Reflection.MethodInfo)";
        Host.Binding(module, site, method, api);
        return Host.Bound(module, site, Delegate.CreateDelegate(type, method), api)!;
    }

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Delegate), nameof(Delegate.CreateDelegate))]
    public static Delegate? BindDelegate(Type type, MethodInfo method, bool throwOnBindFailure, int site, ModuleHandle module)
    {
        const string api = "System.Delegate::CreateDelegate(System.Type,System.Reflection.MethodInfo,System.Boolean)";
        Host.Binding(module, site, method, api);
        return Host.Bound(module, site, Delegate.CreateDelegate(type, method, throwOnBindFailure), api);
    }

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Delegate), nameof(Delegate.CreateDelegate))]
    public static Delegate BindDelegate(Type type, object? firstArgument, MethodInfo method, int site, ModuleHandle module)
    {
        const string api = "System.Delegate::CreateDelegate(System.Type,System.Object,System.Reflection.MethodInfo)";
        Host.Binding(module, site, method, api);
        return Host.Bound(module, site, Delegate.CreateDelegate(type, firstArgument, method), api)!;
    }

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Delegate), nameof(Delegate.CreateDelegate))]
    public static Delegate? BindDelegate(Type type, object? firstArgument, MethodInfo method, bool throwOnBindFailure, int site,
        ModuleHandle module)
    {
        const string api = "System.Delegate::CreateDelegate(System.Type,System.Object,System.Reflection.MethodInfo,System.Boolean)";
        Host.Binding(module, site, method, api);
        return Host.Bound(module, site, Delegate.CreateDelegate(type, firstArgument, method, throwOnBindFailure), api);
    }

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Delegate), nameof(Delegate.CreateDelegate))]
    public static Delegate BindDelegate(Type type, object target, string method, int site, ModuleHandle module) =>
        Host.Bound(module, site, Delegate.CreateDelegate(type, target, method),
            "System.Delegate::CreateDelegate(System.Type,System.Object,System.String)")!;

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Delegate), nameof(Delegate.CreateDelegate))]
    public static Delegate BindDelegate(Type type, object target, string method, bool ignoreCase, int site, ModuleHandle module) =>
        Host.Bound(module, site, Delegate.CreateDelegate(type, target, method, ignoreCase),
            "System.Delegate::CreateDelegate(System.Type,System.Object,System.String,System.Boolean)")!;

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Delegate), nameof(Delegate.CreateDelegate))]
    public static Delegate? BindDelegate(Type type, object target, string method, bool ignoreCase, bool throwOnBindFailure,
        int site, ModuleHandle module) =>
        Host.Bound(module, site, Delegate.CreateDelegate(type, target, method, ignoreCase, throwOnBindFailure),
            "System.Delegate::CreateDelegate(System.Type,System.Object,System.String,System.Boolean,System.Boolean)");

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Delegate), nameof(Delegate.CreateDelegate))]
    public static Delegate BindDelegate(Type type, Type target, string method, int site, ModuleHandle module) =>
        Host.Bound(module, site, Delegate.CreateDelegate(type, target, method),
            "System.Delegate::CreateDelegate(System.Type,System.Type,System.String)")!;

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Delegate), nameof(Delegate.CreateDelegate))]
    public static Delegate BindDelegate(Type type, Type target, string method, bool ignoreCase, int site, ModuleHandle module) =>
        Host.Bound(module, site, Delegate.CreateDelegate(type, target, method, ignoreCase),
            "System.Delegate::CreateDelegate(System.Type,System.Type,System.String,System.Boolean)")!;

    /// <summary>Stands in for the member named by <see cref="ReplacesAttribute"/>, for the module of <paramref name="module"/>.</summary>
    [Replaces(typeof(Delegate), nameof(Delegate.CreateDelegate))]
    public static Delegate? BindDelegate(Type type, Type target, string method, bool ignoreCase, bool throwOnBindFailure,
        int site, ModuleHandle module) =>
        Host.Bound(module, site, Delegate.CreateDelegate(type, target, method, ignoreCase, throwOnBindFailure),
            "System.Delegate::CreateDelegate(System.Type,System.Type,System.String,System.Boolean,System.Boolean)");

    // ---- What no check covers: refused at run time, at the call ------------------------------------------------

    /// <summary>
    /// Stands in for a reflection member that no check covers (<c>Type.InvokeMember</c>, which binds and writes in
    /// framework code; <c>FieldInfo.SetValueDirect</c>; <c>EventInfo.AddEventHandler</c>; <c>MethodInvoker</c>;
    /// creating an instance from a type name): the weaver pops the call's arguments and calls this, so the module fails
    /// at the call with an exception naming the module, the API, the site and the reason.
    /// </summary>
    public static T Refused<T>(string api, int site, ModuleHandle module) => throw Host.Refusal(module, site, api);

    /// <summary>As <see cref="Refused{T}"/> for a member that returns nothing.</summary>
    public static void Refused(string api, int site, ModuleHandle module) => throw Host.Refusal(module, site, api);

    private const BindingFlags Public = BindingFlags.Public | BindingFlags.Instance | BindingFlags.CreateInstance;

    private static IReflectionHost Host => ReflectionBinding.Require();
}
