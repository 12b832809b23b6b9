using Mono.Cecil;

namespace Weaver.Engine.Guards;

/// <summary>
/// References to the containment members of the guard ABI (<c>Guard.Contain</c>, <c>Guard.ContainHandler</c>,
/// <c>Guard.FaultAsyncVoid</c>), built in the woven module like <see cref="GuardAbi"/>'s.
/// </summary>
internal sealed class ContainmentAbi
{
    private readonly MethodReference contain;
    private readonly MethodReference containHandler;
    private readonly TypeReference guard;
    private readonly TypeReference moduleHandle;

    public ContainmentAbi(ModuleDefinition module, TypeReference moduleHandle)
    {
        var runtime = RuntimeReferences.Get(module, typeof(GuardRuntime.Guard).Assembly);
        guard = new TypeReference("GuardRuntime", nameof(GuardRuntime.Guard), module, runtime);
        this.moduleHandle = moduleHandle;
        contain = Generic(nameof(GuardRuntime.Guard.Contain));
        containHandler = Generic(nameof(GuardRuntime.Guard.ContainHandler));
    }

    /// <summary><c>Guard.Contain&lt;T&gt;(T, ModuleHandle)</c> closed over <paramref name="delegateType"/>.</summary>
    public MethodReference Contain(TypeReference delegateType) =>
        new GenericInstanceMethod(contain) { GenericArguments = { delegateType } };

    /// <summary><c>Guard.ContainHandler&lt;T&gt;</c> closed over <paramref name="delegateType"/>.</summary>
    public MethodReference ContainHandler(TypeReference delegateType) =>
        new GenericInstanceMethod(containHandler) { GenericArguments = { delegateType } };

    /// <summary><c>Guard.FaultAsyncVoid(ref AsyncVoidMethodBuilder, Exception, ModuleHandle)</c>, with the builder
    /// and exception types of the call it replaces.</summary>
    public MethodReference FaultAsyncVoid(TypeReference builder, TypeReference exception)
    {
        var method = new MethodReference(nameof(GuardRuntime.Guard.FaultAsyncVoid), guard.Module.TypeSystem.Void, guard)
        {
            HasThis = false,
        };
        method.Parameters.Add(new ParameterDefinition(new ByReferenceType(builder)));
        method.Parameters.Add(new ParameterDefinition(exception));
        method.Parameters.Add(new ParameterDefinition(moduleHandle));
        return method;
    }

    /// <summary><c>Guard.FaultFinalizer(Exception, ModuleHandle)</c>.</summary>
    public MethodReference FaultFinalizer(TypeReference exception)
    {
        var method = new MethodReference(nameof(GuardRuntime.Guard.FaultFinalizer), guard.Module.TypeSystem.Void, guard)
        {
            HasThis = false,
        };
        method.Parameters.Add(new ParameterDefinition(exception));
        method.Parameters.Add(new ParameterDefinition(moduleHandle));
        return method;
    }

    private MethodReference Generic(string name)
    {
        var method = new MethodReference(name, guard.Module.TypeSystem.Void, guard) { HasThis = false };
        var t = new GenericParameter("T", method);
        method.GenericParameters.Add(t);
        method.ReturnType = t;
        method.Parameters.Add(new ParameterDefinition(t));
        method.Parameters.Add(new ParameterDefinition(moduleHandle));
        return method;
    }
}
