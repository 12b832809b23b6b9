namespace Weaver.Engine.Escapes;

/// <summary>
/// Calls that let a module write memory (or run code) that no guard can check, and why. The weaver refuses them
/// by default (error WVR0010); <c>--allow-unchecked PATTERN</c> lets a trusted module keep one with a warning.
/// </summary>
internal static class RefusedApiTable
{
    private static readonly (string Type, string Method, string Why)[] Entries =
    [
        ("System.Reflection.FieldInfo", "SetValue*", "writes a field by reflection, which no store guard sees"),
        ("System.Reflection.PropertyInfo", "SetValue", "runs a setter by reflection"),
        ("System.Reflection.MethodBase", "Invoke", "calls an arbitrary method by reflection"),
        ("System.Reflection.MethodInfo", "Invoke", "calls an arbitrary method by reflection"),
        ("System.Reflection.ConstructorInfo", "Invoke", "runs a constructor by reflection"),
        ("System.Type", "InvokeMember", "calls or sets a member by reflection"),
        // new T() compiles to Activator.CreateInstance<T>(), which only runs a constructor the module could call itself.
        ("System.Activator", "CreateInstance(System.Type", "creates an instance of an arbitrary (host) type, private constructors included"),
        ("System.Activator", "CreateInstance(System.String", "creates an instance of a type named at run time"),
        ("System.Activator", "CreateInstanceFrom*", "loads an assembly and creates an instance from it"),
        ("System.Delegate", "CreateDelegate", "binds a delegate to an arbitrary method, such as a host setter"),
        ("System.Reflection.MethodInfo", "CreateDelegate", "binds a delegate to an arbitrary method, such as a host setter"),
        ("System.Reflection.Emit.*", "*", "generates code at run time that was never woven"),
        ("System.Linq.Expressions.Expression*", "Compile", "generates code at run time that was never woven"),
        ("System.Reflection.Assembly", "Load*", "loads code that was never woven"),
        ("System.Reflection.Assembly", "UnsafeLoadFrom", "loads code that was never woven"),
        ("System.Runtime.Loader.AssemblyLoadContext", "*", "loads code that was never woven"),
        ("System.Runtime.InteropServices.Marshal", "GetDelegateForFunctionPointer*", "calls native code that can write anywhere"),
        ("System.Runtime.InteropServices.NativeLibrary", "*", "loads native code that can write anywhere"),
        ("System.Runtime.InteropServices.Marshal", "Write*(System.Object", "writes into a managed object at a raw offset"),
        ("System.Runtime.InteropServices.Marshal", "StructureToPtr*", "writes an unbounded native layout"),
        ("System.Runtime.InteropServices.Marshal", "PtrToStructure(System.IntPtr,System.Object", "overwrites the fields of an existing object from native memory"),
        ("System.Runtime.InteropServices.Marshal", "PtrToStructure(System.IntPtr,!!0", "overwrites the fields of an existing object from native memory"),
        ("System.Runtime.CompilerServices.Unsafe", "As(System.Object", "reinterprets an object as another type, so field rules would see the wrong type"),
        ("System.TypedReference", "*", "writes through a typed reference"),
    ];

    /// <summary>
    /// Why a call to <paramref name="type"/>::<paramref name="method"/> is refused, or null when it is not.
    /// <paramref name="parameters"/> is the comma-separated list of parameter type names; an entry's <c>(...</c> part is a prefix of it.
    /// </summary>
    public static string? WhyRefused(string type, string method, string? parameters)
    {
        foreach (var (t, m, why) in Entries)
        {
            if (!Matches(type, t)) continue;
            var paren = m.IndexOf('(');
            var name = paren < 0 ? m : m[..paren];
            if (!Matches(method, name)) continue;
            if (paren >= 0 && !IsParameterPrefix(parameters, m[(paren + 1)..])) continue;
            return why;
        }
        return null;
    }

    private static bool IsParameterPrefix(string? parameters, string prefix) =>
        parameters is not null && (parameters == prefix || parameters.StartsWith(prefix + ",", StringComparison.Ordinal));

    private static bool Matches(string value, string pattern) =>
        pattern.EndsWith('*') ? value.StartsWith(pattern[..^1], StringComparison.Ordinal) : value == pattern;
}
