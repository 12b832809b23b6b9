using Mono.Cecil;

namespace Weaver.Engine.Memoize;

/// <summary>
/// References to the KCR runtime (<c>KcrRuntime.Abi.dll</c>) built directly in the woven module, like
/// <see cref="Guards.GuardAbi"/>: signature types come from the module's own core library, and the only assembly
/// reference weaving adds is KcrRuntime.Abi itself (never the weaver's framework). The shapes follow
/// <c>src/KcrRuntime/README.md</c>. Members of <c>MemoTable&lt;TKey, TResult&gt;</c> are built by hand on the generic
/// instance, their signatures written with the open type's <c>!0</c> and <c>!1</c>.
/// </summary>
internal sealed class KcrAbi
{
    private readonly ModuleDefinition module;
    private readonly TypeReference memoTableOpen;
    private readonly TypeReference memoSlotOpen;
    private readonly TypeReference[] memoKeyOpen = new TypeReference[4];
    private readonly TypeReference readOnlySpanOpen;
    private readonly TypeReference spanOpen;
    private readonly TypeReference memoryOpen;
    private readonly TypeReference readOnlyMemoryOpen;
    private readonly TypeReference memoBuffer;

    public KcrAbi(ModuleDefinition module)
    {
        this.module = module;
        var runtime = RuntimeReferences.Get(module, typeof(KcrRuntime.MemoTable).Assembly);
        var ts = module.TypeSystem;
        Memo = new TypeReference("KcrRuntime", nameof(KcrRuntime.Memo), module, runtime);
        MemoTable = new TypeReference("KcrRuntime", "MemoTable", module, runtime);
        MemoMiss = new TypeReference("KcrRuntime", "MemoMiss", module, runtime, valueType: true);
        memoBuffer = new TypeReference("KcrRuntime", "MemoBuffer", module, runtime);
        var options = new TypeReference("KcrRuntime", "KcrOptions", module, runtime);
        memoTableOpen = Open("KcrRuntime", "MemoTable`2", runtime, 2, valueType: false);
        memoSlotOpen = Open("KcrRuntime", "MemoSlot`2", runtime, 2, valueType: false);
        for (int i = 0; i < 4; i++) memoKeyOpen[i] = Open("KcrRuntime", $"MemoKey`{i + 1}", runtime, i + 1, valueType: true);
        readOnlySpanOpen = Open("System", "ReadOnlySpan`1", ts.CoreLibrary, 1, valueType: true);
        spanOpen = Open("System", "Span`1", ts.CoreLibrary, 1, valueType: true);
        memoryOpen = Open("System", "Memory`1", ts.CoreLibrary, 1, valueType: true);
        readOnlyMemoryOpen = Open("System", "ReadOnlyMemory`1", ts.CoreLibrary, 1, valueType: true);
        ReadOnlySpanOfByte = new GenericInstanceType(readOnlySpanOpen) { GenericArguments = { ts.Byte } };

        OptionsCreate = Static(options, "Create", options, ts.Int32, ts.Int32, ts.Int32, ts.Int32, ts.Int32, ts.Int32);
        DependsOn = Instance(MemoTable, "DependsOn", ts.Void, ts.String);
        InvalidateDependents = Static(Memo, nameof(KcrRuntime.Memo.InvalidateDependents), ts.Void, ts.String);
        ThreadStaticCtor = Instance(new TypeReference("System", "ThreadStaticAttribute", module, ts.CoreLibrary), ".ctor", ts.Void);
    }

    public TypeReference Memo { get; }
    public TypeReference MemoTable { get; }
    public TypeReference MemoMiss { get; }
    public TypeReference ReadOnlySpanOfByte { get; }
    public MethodReference OptionsCreate { get; }
    public MethodReference DependsOn { get; }
    public MethodReference InvalidateDependents { get; }
    public MethodReference ThreadStaticCtor { get; }

    /// <summary><c>MemoTable&lt;TKey, TResult&gt;</c>.</summary>
    public GenericInstanceType MemoTableOf(TypeReference key, TypeReference result) =>
        new(memoTableOpen) { GenericArguments = { key, result } };

    /// <summary><c>MemoSlot&lt;TKey, TResult&gt;</c>.</summary>
    public GenericInstanceType MemoSlotOf(TypeReference key, TypeReference result) =>
        new(memoSlotOpen) { GenericArguments = { key, result } };

    /// <summary><c>MemoKey&lt;T1..Tn&gt;</c>, 1 ≤ n ≤ 4.</summary>
    public GenericInstanceType MemoKeyOf(IReadOnlyList<TypeReference> components)
    {
        var key = new GenericInstanceType(memoKeyOpen[components.Count - 1]);
        foreach (var c in components) key.GenericArguments.Add(c);
        return key;
    }

    /// <summary>The constructor of a <see cref="MemoKeyOf"/> type, one parameter per component (<c>!0 .. !n-1</c>).</summary>
    public MethodReference MemoKeyCtor(GenericInstanceType key)
    {
        var open = key.ElementType;
        var ctor = new MethodReference(".ctor", module.TypeSystem.Void, key) { HasThis = true };
        foreach (var p in open.GenericParameters) ctor.Parameters.Add(new ParameterDefinition(p));
        return ctor;
    }

    /// <summary><c>MemoTable&lt;TKey, TResult&gt;::.ctor(string, KcrOptions)</c>.</summary>
    public MethodReference MemoTableCtor(GenericInstanceType table) =>
        OnTable(table, ".ctor", module.TypeSystem.Void, module.TypeSystem.String, OptionsCreate.ReturnType);

    /// <summary><c>bool get_IsActive()</c>.</summary>
    public MethodReference IsActive(GenericInstanceType table) => OnTable(table, "get_IsActive", module.TypeSystem.Boolean);

    /// <summary><c>MemoSlot&lt;!0, !1&gt; CreateSlot()</c>.</summary>
    public MethodReference CreateSlot(GenericInstanceType table) => OnTable(table, "CreateSlot", OpenSlot());

    /// <summary><c>bool TryGet(MemoSlot&lt;!0, !1&gt;, !0&amp;, [ReadOnlySpan&lt;byte&gt; × buffers], !1&amp;)</c>.</summary>
    public MethodReference TryGet(GenericInstanceType table, int buffers) =>
        OnTable(table, "TryGet", module.TypeSystem.Boolean,
            [OpenSlot(), ByRef(K), .. Buffers(buffers), ByRef(R)]);

    /// <summary><c>bool Lookup(MemoSlot&lt;!0, !1&gt;, !0&amp;, [ReadOnlySpan&lt;byte&gt; × buffers], !1&amp;, MemoMiss&amp;)</c>.</summary>
    public MethodReference Lookup(GenericInstanceType table, int buffers) =>
        OnTable(table, "Lookup", module.TypeSystem.Boolean,
            [OpenSlot(), ByRef(K), .. Buffers(buffers), ByRef(R), new ByReferenceType(MemoMiss)]);

    /// <summary><c>void Add(MemoSlot&lt;!0, !1&gt;, !0&amp;, [ReadOnlySpan&lt;byte&gt; × buffers], !1, MemoMiss&amp;)</c>.</summary>
    public MethodReference Add(GenericInstanceType table, int buffers) =>
        OnTable(table, "Add", module.TypeSystem.Void,
            [OpenSlot(), ByRef(K), .. Buffers(buffers), R, new ByReferenceType(MemoMiss)]);

    /// <summary>
    /// <c>MemoBuffer::Of</c> for a buffer parameter: <c>Of(string)</c>, or the generic overload over the element type
    /// for <c>T[]</c>, <c>ReadOnlySpan&lt;T&gt;</c>, <c>Span&lt;T&gt;</c>, <c>ReadOnlyMemory&lt;T&gt;</c>, <c>Memory&lt;T&gt;</c>.
    /// </summary>
    public MethodReference BufferOf(BufferKind kind, TypeReference? element)
    {
        if (kind == BufferKind.String)
        {
            var of = new MethodReference("Of", ReadOnlySpanOfByte, memoBuffer) { HasThis = false };
            of.Parameters.Add(new ParameterDefinition(module.TypeSystem.String));
            return of;
        }
        var method = new MethodReference("Of", ReadOnlySpanOfByte, memoBuffer) { HasThis = false };
        var t = new GenericParameter("T", method);
        method.GenericParameters.Add(t);
        TypeReference parameter = kind switch
        {
            BufferKind.Array => new ArrayType(t),
            BufferKind.ReadOnlySpan => new GenericInstanceType(readOnlySpanOpen) { GenericArguments = { t } },
            BufferKind.Span => new GenericInstanceType(spanOpen) { GenericArguments = { t } },
            BufferKind.ReadOnlyMemory => new GenericInstanceType(readOnlyMemoryOpen) { GenericArguments = { t } },
            _ => new GenericInstanceType(memoryOpen) { GenericArguments = { t } },
        };
        method.Parameters.Add(new ParameterDefinition(parameter));
        return new GenericInstanceMethod(method) { GenericArguments = { element! } };
    }

    private GenericParameter K => memoTableOpen.GenericParameters[0];
    private GenericParameter R => memoTableOpen.GenericParameters[1];

    private GenericInstanceType OpenSlot() => new(memoSlotOpen) { GenericArguments = { K, R } };

    private static ByReferenceType ByRef(TypeReference type) => new(type);

    private IEnumerable<TypeReference> Buffers(int count) => Enumerable.Repeat(ReadOnlySpanOfByte, count);

    private MethodReference OnTable(GenericInstanceType table, string name, TypeReference returns, params TypeReference[] parameters)
    {
        var method = new MethodReference(name, returns, table) { HasThis = true };
        foreach (var p in parameters) method.Parameters.Add(new ParameterDefinition(p));
        return method;
    }

    private TypeReference Open(string ns, string name, IMetadataScope scope, int arity, bool valueType)
    {
        var type = new TypeReference(ns, name, module, scope, valueType);
        for (int i = 0; i < arity; i++) type.GenericParameters.Add(new GenericParameter("T" + i, type));
        return type;
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
