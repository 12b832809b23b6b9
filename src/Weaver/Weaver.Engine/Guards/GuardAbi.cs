using Mono.Cecil;

namespace Weaver.Engine.Guards;

/// <summary>
/// References to the guard runtime's ABI (<c>GuardRuntime.Guard</c>) built directly in the woven module, with
/// signature types taken from the module's own core library, so that weaving adds exactly one assembly reference
/// (GuardRuntime) and never a reference to the weaver's own framework.
/// </summary>
internal sealed class GuardAbi
{
    public GuardAbi(ModuleDefinition module)
    {
        var runtime = RuntimeReferences.Get(module, typeof(GuardRuntime.Guard).Assembly);
        var ts = module.TypeSystem;
        ModuleGuard = new TypeReference("GuardRuntime", nameof(GuardRuntime.ModuleHandle), module, runtime);
        var guard = new TypeReference("GuardRuntime", "Guard", module, runtime);
        var typeHandle = new TypeReference("System", "RuntimeTypeHandle", module, ts.CoreLibrary, valueType: true);
        var byteRef = new ByReferenceType(ts.Byte);

        Register = Static(guard, "Register", ModuleGuard, typeHandle);
        StoreField = Static(guard, "StoreField", ts.Void, ts.Object, ts.Int32, ts.Int32, ModuleGuard);
        StoreStatic = Static(guard, "StoreStatic", ts.Void, ts.Int32, ts.Int32, ModuleGuard);
        StoreElement = Static(guard, "StoreElement", ts.Void, ts.Object, ts.IntPtr, ts.Int32, ts.Int32, ModuleGuard);
        StoreAddress = Static(guard, "StoreAddress", ts.Void, byteRef, ts.UIntPtr, ts.Int32, ts.Int32, ModuleGuard);
        StoreObject = Static(guard, "StoreObject", ts.Void, ts.Object, ts.Int32, ts.Int32, ModuleGuard);
        Call = Static(guard, "Call", ts.Void, ts.Int32, ts.Int32, ModuleGuard);
        var array = new TypeReference("System", "Array", module, ts.CoreLibrary);
        StoreElements = Static(guard, "StoreElements", ts.Void, array, ts.IntPtr, ts.IntPtr, ts.Int32, ts.Int32, ModuleGuard);
        storeSpan = new MethodReference("StoreSpan", ts.Void, guard) { HasThis = false };
        var t = new GenericParameter("T", storeSpan);
        storeSpan.GenericParameters.Add(t);
        span = new TypeReference("System", "Span`1", module, ts.CoreLibrary, valueType: true);
        span.GenericParameters.Add(new GenericParameter("T", span));
        storeSpan.Parameters.Add(new ParameterDefinition(new GenericInstanceType(span) { GenericArguments = { t } }));
        foreach (var p in new[] { ts.Int32, ts.Int32, ModuleGuard }) storeSpan.Parameters.Add(new ParameterDefinition(p));
    }

    private readonly MethodReference storeSpan;
    private TypeReference? memory;

    /// <summary><c>Memory&lt;T&gt;.get_Span</c> on the closed memory type <paramref name="memoryType"/>.</summary>
    public MethodReference MemorySpan(GenericInstanceType memoryType)
    {
        if (memory is null)
        {
            memory = new TypeReference("System", "Memory`1", span.Module, span.Scope, valueType: true);
            memory.GenericParameters.Add(new GenericParameter("T", memory));
        }
        var closed = new GenericInstanceType(memory) { GenericArguments = { memoryType.GenericArguments[0] } };
        var returns = new GenericInstanceType(span) { GenericArguments = { memory.GenericParameters[0] } };
        return new MethodReference("get_Span", returns, closed) { HasThis = true };
    }
    private readonly TypeReference span;

    public MethodReference StoreElements { get; }

    /// <summary><c>Guard.StoreSpan&lt;T&gt;</c> closed over <paramref name="element"/>.</summary>
    public MethodReference StoreSpan(TypeReference element) => new GenericInstanceMethod(storeSpan) { GenericArguments = { element } };

    /// <summary><c>System.Span&lt;T&gt;</c> closed over <paramref name="element"/>.</summary>
    public TypeReference SpanOf(TypeReference element) => new GenericInstanceType(span) { GenericArguments = { element } };

    public TypeReference ModuleGuard { get; }
    public MethodReference Register { get; }
    public MethodReference StoreField { get; }
    public MethodReference StoreStatic { get; }
    public MethodReference StoreElement { get; }
    public MethodReference StoreAddress { get; }
    public MethodReference StoreObject { get; }
    public MethodReference Call { get; }

    private static MethodReference Static(TypeReference declaring, string name, TypeReference returns, params TypeReference[] parameters)
    {
        var method = new MethodReference(name, returns, declaring) { HasThis = false };
        foreach (var p in parameters) method.Parameters.Add(new ParameterDefinition(p));
        return method;
    }
}
