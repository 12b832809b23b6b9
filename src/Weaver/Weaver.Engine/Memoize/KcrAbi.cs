using Mono.Cecil;

namespace Weaver.Engine.Memoize;

/// <summary>
/// References to the KCR runtime (<c>KcrRuntime.Abi.dll</c>) built directly in the woven module, like
/// <see cref="Guards.GuardAbi"/>: signature types come from the module's own core library, and the only assembly
/// reference weaving adds is KcrRuntime.Abi itself (never the weaver's framework). The shapes follow
/// <c>src/KcrRuntime/README.md</c>.
/// </summary>
internal sealed class KcrAbi
{
    private readonly ModuleDefinition module;
    private readonly TypeReference memoTableOpen;
    private readonly MethodReference addBlittable;
    private readonly MethodReference addBlittableSpan;
    private readonly MethodReference addBlittableArray;
    private readonly TypeReference readOnlySpanOpen;
    private readonly Dictionary<string, MethodReference> adds = new(StringComparer.Ordinal);

    public KcrAbi(ModuleDefinition module)
    {
        this.module = module;
        var runtime = RuntimeReferences.Get(module, typeof(KcrRuntime.MemoTable).Assembly);
        var ts = module.TypeSystem;
        Memo = new TypeReference("KcrRuntime", nameof(KcrRuntime.Memo), module, runtime);
        MemoTable = new TypeReference("KcrRuntime", "MemoTable", module, runtime);
        KeyBuilder = new TypeReference("KcrRuntime", "KeyBuilder", module, runtime, valueType: true);
        var options = new TypeReference("KcrRuntime", "KcrOptions", module, runtime);
        memoTableOpen = new TypeReference("KcrRuntime", "MemoTable`1", module, runtime);
        memoTableOpen.GenericParameters.Add(new GenericParameter("T", memoTableOpen));

        OptionsCreate = Static(options, "Create", options, ts.Int32, ts.Int32, ts.Int32, ts.Int32);
        DependsOn = Instance(MemoTable, "DependsOn", ts.Void, ts.String);
        InvalidateDependents = Static(Memo, nameof(KcrRuntime.Memo.InvalidateDependents), ts.Void, ts.String);
        KeyBuilderCtor = Instance(KeyBuilder, ".ctor", ts.Void, new PointerType(ts.Byte), ts.Int32, MemoTable);
        Dispose = Instance(KeyBuilder, "Dispose", ts.Void);

        readOnlySpanOpen = CoreGeneric("System", "ReadOnlySpan`1", valueType: true);

        // AddBlittable<T>(scoped in T): the parameter is !!0&, with modreq(InAttribute) when the compiler put one
        // there (it does on some members only); the runtime assembly the weaver is built with tells us which.
        addBlittable = GenericAdd("AddBlittable", t =>
        {
            TypeReference element = t;
            var info = typeof(KcrRuntime.KeyBuilder).GetMethod(nameof(KcrRuntime.KeyBuilder.AddBlittable))!.GetParameters()[0];
            if (info.GetRequiredCustomModifiers().Any(m => m.FullName == "System.Runtime.InteropServices.InAttribute"))
                element = new RequiredModifierType(new TypeReference("System.Runtime.InteropServices", "InAttribute", module, ts.CoreLibrary), t);
            return new ByReferenceType(element);
        });
        addBlittableSpan = GenericAdd("AddBlittableSpan", t => new GenericInstanceType(readOnlySpanOpen) { GenericArguments = { t } });
        addBlittableArray = GenericAdd("AddBlittableArray", t => new ArrayType(t));
    }

    public TypeReference Memo { get; }
    public TypeReference MemoTable { get; }
    public TypeReference KeyBuilder { get; }
    public MethodReference OptionsCreate { get; }
    public MethodReference DependsOn { get; }
    public MethodReference InvalidateDependents { get; }
    public MethodReference KeyBuilderCtor { get; }
    public MethodReference Dispose { get; }

    /// <summary><c>MemoTable&lt;T&gt;</c>.</summary>
    public GenericInstanceType MemoTableOf(TypeReference result) => new(memoTableOpen) { GenericArguments = { result } };

    /// <summary><c>MemoTable&lt;T&gt;::.ctor(string, KcrOptions)</c>.</summary>
    public MethodReference MemoTableCtor(GenericInstanceType table) =>
        new MethodReference(".ctor", module.TypeSystem.Void, table) { HasThis = true, Parameters = { new ParameterDefinition(module.TypeSystem.String), new ParameterDefinition(OptionsCreate.ReturnType) } };

    /// <summary><c>bool MemoTable&lt;T&gt;::TryGet(KeyBuilder&amp;, !0&amp;)</c>.</summary>
    public MethodReference TryGet(GenericInstanceType table) =>
        new MethodReference("TryGet", module.TypeSystem.Boolean, table)
        {
            HasThis = true,
            Parameters = { new ParameterDefinition(new ByReferenceType(KeyBuilder)), new ParameterDefinition(new ByReferenceType(memoTableOpen.GenericParameters[0])) },
        };

    /// <summary><c>void MemoTable&lt;T&gt;::Offer(KeyBuilder&amp;, !0)</c>.</summary>
    public MethodReference Offer(GenericInstanceType table) =>
        new MethodReference("Offer", module.TypeSystem.Void, table)
        {
            HasThis = true,
            Parameters = { new ParameterDefinition(new ByReferenceType(KeyBuilder)), new ParameterDefinition(memoTableOpen.GenericParameters[0]) },
        };

    /// <summary><c>KeyBuilder::Add(<paramref name="parameter"/>)</c>, one of the non-generic overloads.</summary>
    public MethodReference Add(TypeReference parameter)
    {
        if (!adds.TryGetValue(parameter.FullName, out var add))
        {
            add = Instance(KeyBuilder, "Add", module.TypeSystem.Void, parameter);
            adds.Add(parameter.FullName, add);
        }
        return add;
    }

    /// <summary><c>KeyBuilder::AddBlittable&lt;S&gt;(in S)</c>.</summary>
    public MethodReference AddBlittable(TypeReference type) => new GenericInstanceMethod(addBlittable) { GenericArguments = { type } };

    /// <summary><c>KeyBuilder::AddBlittableSpan&lt;X&gt;(ReadOnlySpan&lt;X&gt;)</c>.</summary>
    public MethodReference AddBlittableSpan(TypeReference element) => new GenericInstanceMethod(addBlittableSpan) { GenericArguments = { element } };

    /// <summary><c>KeyBuilder::AddBlittableArray&lt;S&gt;(S[])</c>.</summary>
    public MethodReference AddBlittableArray(TypeReference element) => new GenericInstanceMethod(addBlittableArray) { GenericArguments = { element } };

    /// <summary>A core-library type by name (<c>System.Decimal</c>...).</summary>
    public TypeReference Core(string ns, string name, bool valueType) => new(ns, name, module, module.TypeSystem.CoreLibrary, valueType);

    /// <summary>An open generic core-library type with one parameter (<c>System.Span`1</c>...).</summary>
    public TypeReference CoreGeneric(string ns, string name, bool valueType)
    {
        var type = Core(ns, name, valueType);
        type.GenericParameters.Add(new GenericParameter("T", type));
        return type;
    }

    private MethodReference GenericAdd(string name, Func<GenericParameter, TypeReference> parameter)
    {
        var method = new MethodReference(name, module.TypeSystem.Void, KeyBuilder) { HasThis = true };
        var t = new GenericParameter("T", method);
        method.GenericParameters.Add(t);
        method.Parameters.Add(new ParameterDefinition(parameter(t)));
        return method;
    }

    private static MethodReference Static(TypeReference declaring, string name, TypeReference returns, params TypeReference[] parameters)
    {
        var method = new MethodReference(name, returns, declaring) { HasThis = false };
        foreach (var p in parameters) method.Parameters.Add(new ParameterDefinition(p));
        return method;
    }

    private static MethodReference Instance(TypeReference declaring, string name, TypeReference returns, params TypeReference[] parameters)
    {
        var method = Static(declaring, name, returns, parameters);
        method.HasThis = true;
        return method;
    }
}
