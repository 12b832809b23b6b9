using System.Globalization;
using System.Reflection;

namespace GuardRuntime;

/// <summary>
/// What the reflection shims ask of the host runtime (GuardRuntime.dll), which makes every decision: the ABI only
/// forwards, with the calling module's handle and the weaver's site of the call. Installed once by the host's module
/// initializer; without a host every shim refuses (fail closed).
/// </summary>
internal interface IReflectionHost
{
    void SetField(ModuleHandle module, int site, FieldInfo field, object? target, object? value, BindingFlags flags,
        Binder? binder, CultureInfo? culture, bool full);

    object? GetField(ModuleHandle module, int site, FieldInfo field, object? target);

    void SetProperty(ModuleHandle module, int site, PropertyInfo property, object? target, object? value, BindingFlags flags,
        Binder? binder, object?[]? index, CultureInfo? culture, bool full);

    object? GetProperty(ModuleHandle module, int site, PropertyInfo property, object? target, BindingFlags flags,
        Binder? binder, object?[]? index, CultureInfo? culture, bool full);

    object? Invoke(ModuleHandle module, int site, MethodBase method, object? target, BindingFlags flags, Binder? binder,
        object?[]? arguments, CultureInfo? culture, bool full);

    object? CreateInstance(ModuleHandle module, int site, Type type, BindingFlags flags, Binder? binder, object?[]? arguments,
        CultureInfo? culture, object?[]? activationAttributes);

    T CreateInstance<T>(ModuleHandle module, int site);

    object GetUninitializedObject(ModuleHandle module, int site, Type type);

    /// <summary>Checks a delegate the framework has bound (nothing has run yet); returns it or throws.</summary>
    Delegate? Bound(ModuleHandle module, int site, Delegate? bound, string api);

    /// <summary>Checks a delegate about to be bound to <paramref name="method"/> (a dynamic method of the module, or any).</summary>
    void Binding(ModuleHandle module, int site, MethodInfo method, string api);

    Exception Refusal(ModuleHandle module, int site, string api);

    /// <summary>Checks, by address, the <paramref name="length"/> bytes a reinterpreted reference formed at <paramref name="site"/> reaches.</summary>
    void Formed(ModuleHandle module, int site, ref byte address, nuint length);
}

/// <summary>Where the reflection shims find the host (set once, like <see cref="CodeGenerationBinding"/>).</summary>
internal static class ReflectionBinding
{
    private static IReflectionHost? host;

    internal static IReflectionHost? Host
    {
        get => Volatile.Read(ref host);
        set => Interlocked.CompareExchange(ref host, value, null);
    }

    internal static IReflectionHost Require() => Host ?? throw new InvalidOperationException(
        "The guard host runtime did not install its reflection checks; reflection that writes or calls is refused.");
}
