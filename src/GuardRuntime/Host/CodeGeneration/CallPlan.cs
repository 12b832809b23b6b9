using System.Reflection;
using GuardRuntime.Effects;

namespace GuardRuntime.CodeGeneration;

/// <summary>
/// What generated code must do around a call (or a function pointer) it names, by the rules the weaver applies to a
/// compiled call: the module's own code needs nothing; a code-generation member goes to its shim; a host method must
/// be exported and gets the host-call check; a framework member is judged by the effect model (whole-object checks of
/// what it may write, writable <c>ref</c> arguments by address); whatever cannot be checked is refused.
/// </summary>
/// <param name="Refusal">Why the call is refused, or null.</param>
/// <param name="Shim">The code-generation shim the call is redirected to (the module handle appended), or null.</param>
/// <param name="HostCall">Whether the host-call check (<c>Guard.Call</c>) precedes it.</param>
/// <param name="Objects">Arguments (-1: the receiver) checked as whole-object writes (<c>Guard.StoreObject</c>).</param>
/// <param name="Byrefs">Writable <c>ref</c>/<c>out</c> arguments, checked by address with <c>sizeof</c> their element.</param>
internal sealed record CallPlan(string? Refusal, MethodInfo? Shim, bool HostCall, IReadOnlyList<int> Objects, IReadOnlyList<int> Byrefs)
{
    private static readonly CallPlan Nothing = new(null, null, false, [], []);

    public bool NeedsArguments => Objects.Count > 0 || Byrefs.Count > 0;

    public static CallPlan For(MethodBase method, ModuleGuard module, bool functionPointer)
    {
        if (method is System.Reflection.Emit.DynamicMethod dynamic)
            return CodeGenerationHost.Instance.MadeBy(dynamic) == module
                ? Nothing
                : Refuse("a dynamic method this module did not make through the guard has a body nobody checked");
        var type = method.DeclaringType;
        if (type is null) return Refuse("a global method has no declaring type the rules can judge");
        if (EmittedMembers.IsWeaverInjected(type)) return Refuse("the weaver's injected members are not code a module may call");
        var parameters = method.GetParameters();
        switch (EmittedMembers.OriginOf(type.Assembly, module))
        {
            case Origin.Own:
                return Nothing;
            case Origin.Runtime:
                return Refuse("generated code may not name the guard or memoization runtimes");
            case Origin.Woven:
            case Origin.Host:
                if (EmittedMembers.OriginOf(type.Assembly, module) == Origin.Host && !EmittedMembers.IsExported(method))
                    return Refuse($"{DynamicTargets.MethodName(method)} is a host method the host does not export");
                if (parameters.Any(p => p.ParameterType.IsPointer)) return Refuse("a host method taking a pointer cannot be checked");
                return new CallPlan(null, null, true, [], WritableByrefs(parameters));
        }
        // The shared framework.
        var typeName = DynamicTargets.TypeName(type);
        if (ShimCatalogue.Find(method) is { } shim)
            return functionPointer
                ? Refuse("a delegate to a code-generation or loading API cannot carry the module's identity; call it directly")
                : new CallPlan(null, shim, false, [], []);
        bool takesExpression = parameters.Any(p => typeof(System.Linq.Expressions.Expression).IsAssignableFrom(p.ParameterType));
        if (ShimCatalogue.Uncoverable(typeName, method.Name, takesExpression && !typeName.StartsWith("System.Linq.Expressions.", StringComparison.Ordinal)) is { } why)
            return Refuse(why);
        if (!EmittedMembers.IsPublic(method)) return Refuse("it is not public: the effect model describes the public surface only");
        if (EmittedMembers.IsLowLevel(type)) return Refuse($"members of {typeName} forge references or write where no extent is known");
        var rule = EffectModel.Framework.Classify(typeName, method.Name, Signature.Of(method));
        if (rule is { Class: EffectClass.Reflective or EffectClass.Refused or EffectClass.FreesOrReallocates })
            return Refuse(rule.Reason ?? $"the effect model refuses it (line {rule.Line})");
        var objects = new List<int>();
        for (int i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i].ParameterType;
            if (p.IsPointer || p.IsFunctionPointer) return Refuse("it takes a pointer, and the run-time rules do not know how far it writes");
            if (p.IsByRefLike || IsMemory(p)) return Refuse("it takes a span or memory, which generated code may not pass to the framework");
            bool vouched = rule is { IsExact: true, Class: EffectClass.ReadOnly or EffectClass.CallsBack }
                           || rule is { Class: EffectClass.ReadOnly or EffectClass.CallsBack } && !p.IsArray;
            if (!vouched && IsWriteHandle(p)) objects.Add(i);
        }
        bool receiverWritten = rule is null or { Class: EffectClass.WritesReceiver or EffectClass.WritesArguments };
        if (!method.IsStatic && method is not ConstructorInfo && receiverWritten)
        {
            if (type.IsValueType) return Refuse("it may write a struct receiver, which generated code cannot have checked");
            objects.Insert(0, -1);
        }
        var byrefs = WritableByrefs(parameters);
        if (functionPointer && (objects.Count > 0 || byrefs.Count > 0))
            return Refuse("a delegate to a framework member that writes what it is given would be called unchecked");
        return new CallPlan(null, null, false, objects, byrefs);
    }

    private static CallPlan Refuse(string why) => new(why, null, false, [], []);

    private static bool IsMemory(Type p) =>
        p.IsGenericType && p.GetGenericTypeDefinition() is var d && (d == typeof(Memory<>) || d == typeof(ReadOnlyMemory<>));

    // Strings and delegates are not write handles; values of a type parameter do not occur (emitted members are closed).
    private static bool IsWriteHandle(Type p) =>
        !p.IsByRef && !p.IsValueType && p != typeof(string) && !typeof(Delegate).IsAssignableFrom(p);

    private static List<int> WritableByrefs(ParameterInfo[] parameters)
    {
        var result = new List<int>();
        for (int i = 0; i < parameters.Length; i++)
            if (parameters[i].ParameterType.IsByRef && !parameters[i].IsIn
                && !parameters[i].GetCustomAttributesData().Any(a => a.AttributeType.Name is "IsReadOnlyAttribute" or "RequiresLocationAttribute"))
                result.Add(i);
        return result;
    }
}
