using Weaver.Tests.Infrastructure;
using Xunit.Abstractions;
using static Weaver.Tests.RedTeam.Aim;
using static Weaver.Tests.RedTeam.Expectation;

namespace Weaver.Tests.RedTeam;

/// <summary>
/// Issue 6, "Tests it must have": one small hostile module per technique, aimed at protected kernel memory. Woven
/// with a deny policy the write must be stopped (or the module refused at weave time) and the memory unchanged;
/// with allow-all the same code must work.
/// </summary>
[Collection(GuardStateCollection.Name)]
public class RedTeamTests(ITestOutputHelper output)
{
    public static readonly Technique[] Techniques =
    [
        // 1. byrefs
        new("RefLocal", "byref", ObjectRegion, Stopped),
        new("RefReturn", "byref", ObjectRegion, Stopped),
        new("RefArgument", "byref", ObjectRegion, Stopped),
        new("OutArgument", "byref", ObjectRegion, Stopped),
        new("InViaAsRef", "readonly", ObjectRegion, Refused),
        new("ElementRef", "byref", ArrayRange, Stopped),
        new("StructFieldViaRef", "byref", ObjectRegion, Stopped),
        new("InitObjViaRef", "byref", ObjectRegion, Stopped),
        new("StobjViaRef", "byref", ObjectRegion, Stopped),
        new("RefFieldInRefStruct", "byref", ObjectRegion, Stopped),
        // 2. spans and memory views
        new("AsSpanIndexer", "span", ArrayRange, Stopped),
        new("NewSpan", "span", ArrayRange, Stopped),
        new("SpanSlice", "span", ArrayRange, Stopped),
        new("SpanFill", "span", ArrayRange, Stopped),
        new("SpanClear", "span", ArrayRange, Stopped),
        new("SpanCopyTo", "span", ArrayRange, Stopped),
        new("ArrayCopyToSpan", "span", ArrayRange, Stopped),
        new("MemorySpan", "span", ArrayRange, Stopped),
        new("CreateSpan", "span", ObjectRegion, Stopped),
        new("CollectionsMarshalAsSpan", "effects", ListBacking, Stopped, "the list is checked with its storage"),
        new("CollectionsMarshalSpanClear", "effects", ListBacking, Stopped),
        new("CollectionsMarshalSetCount", "effects", ListBacking, Stopped),
        new("CollectionExpressionCopy", "compiler", ArrayRange, Stopped),
        new("InlineArraySpanStore", "compiler", ArrayRange, Stopped),
        new("CollectionExpressionOwn", "control", NoTarget, Works),
        // Framework calls that write for the module: deny by default (the effect model) and the whole-object check.
        new("IListSetItemOnArray", "effects", ArrayRange, Stopped),
        new("NonGenericIListOnArray", "effects", ArrayRange, Stopped),
        new("BufferSetByte", "effects", ArrayRange, Stopped),
        new("ArraySortItems", "effects", ArrayRange, Stopped),
        new("ListReverse", "effects", ListBacking, Stopped),
        new("ListSetItem", "effects", ListBacking, Stopped),
        new("ICollectionCopyTo", "effects", ArrayRange, Stopped),
        new("VectorStorePinned", "vector", ArrayRange, Stopped),
        new("VectorStoreUnsafeOffset", "vector", ArrayRange, Stopped),
        new("Sse2StorePinned", "vector", ArrayRange, Stopped),
        new("VectorOfTStore", "vector", ArrayRange, Stopped),
        new("EncodingGetBytesPointer", "effects", ArrayRange, Stopped),
        new("ParsePinnedString", "control", NoTarget, Works),
        new("OwnCollections", "control", NoTarget, Works),
        new("FixedStringWrite", "readonly", ObjectRegion, Refused),
        new("StringPinnableReference", "readonly", ObjectRegion, Refused),
        new("ReadOnlySpanGetReference", "readonly", ObjectRegion, Refused),
        new("MemoryMarshalAsMemory", "readonly", ObjectRegion, Refused),
        new("FixedStringViaHelper", "readonly", ObjectRegion, Refused),
        new("StructWrappedUnion", "confusion", ObjectRegion, Refused),
        new("UnsafeAsStructWrapper", "confusion", ObjectRegion, Refused),
        new("UnsafeReadWrapper", "confusion", ObjectRegion, Refused),
        new("AsPointerOfReference", "confusion", ObjectRegion, Refused),
        new("GCHandleAddrOfPinned", "confusion", ArrayRange, Refused),
        new("TypeDescriptorSetValue", "reflective", FieldRule, Refused),
        new("SpanReplace", "span", ArrayRange, Stopped),
        // 3. raw pointers
        new("FixedArray", "pointer", ArrayRange, Stopped),
        new("FixedField", "pointer", ObjectRegion, Stopped),
        new("Stackalloc", "pointer", NoTarget, Works),
        new("PointerWalk", "pointer", NativeRange, Stopped),
        new("NintCast", "pointer", NativeRange, Stopped),
        new("AsPointer", "pointer", ObjectRegion, Stopped),
        // 4. library calls
        new("ArrayCopy3", "library", ArrayRange, Stopped),
        new("ArrayCopy5", "library", ArrayRange, Stopped),
        new("ArrayClear", "library", ArrayRange, Stopped),
        new("ArrayClearAll", "library", ArrayRange, Stopped),
        new("ArrayFill", "library", ArrayRange, Stopped),
        new("ArrayResizeRef", "library", ObjectRegion, Stopped),
        new("ArrayReverse", "library", ArrayRange, Stopped),
        new("ArraySort", "library", ArrayRange, Stopped),
        new("BufferBlockCopy", "library", ArrayRange, Stopped),
        new("BufferMemoryCopy", "library", NativeRange, Stopped),
        new("NativeMemoryCopy", "library", NativeRange, Stopped),
        new("NativeMemoryFill", "library", NativeRange, Stopped),
        new("NativeMemoryClear", "library", NativeRange, Stopped),
        new("MarshalCopyToNative", "library", NativeRange, Stopped),
        new("MarshalCopyToArray", "library", ArrayRange, Stopped),
        new("MarshalWriteInt32", "library", NativeRange, Stopped),
        new("InterlockedExchange", "library", ObjectRegion, Stopped),
        new("InterlockedIncrement", "library", ObjectRegion, Stopped),
        new("InterlockedCompareExchange", "library", ObjectRegion, Stopped),
        new("VolatileWrite", "library", ObjectRegion, Stopped),
        new("UnsafeWriteRef", "library", ArrayRange, Stopped),
        new("UnsafeWritePointer", "library", NativeRange, Stopped),
        new("UnsafeWriteUnalignedPointer", "library", NativeRange, Stopped),
        new("UnsafeWriteUnalignedRef", "library", ArrayRange, Stopped),
        new("UnsafeCopyBlockPointer", "library", NativeRange, Stopped),
        new("UnsafeCopyBlockRef", "library", ArrayRange, Stopped),
        new("UnsafeInitBlockPointer", "library", NativeRange, Stopped),
        new("UnsafeInitBlockRef", "library", ArrayRange, Stopped),
        new("BinaryPrimitivesWrite", "library", ArrayRange, Stopped),
        new("EncodingGetBytesArray", "library", ArrayRange, Stopped),
        new("EncodingGetBytesSpan", "library", ArrayRange, Stopped),
        new("EncodingTryGetBytes", "library", ArrayRange, Stopped),
        new("StreamRead", "library", ArrayRange, Stopped),
        new("StreamReadSpan", "library", ArrayRange, Stopped),
        new("StreamReadAtLeast", "library", ArrayRange, Stopped),
        new("RandomShuffle", "library", ArrayRange, Stopped),
        // 5. reflection and code generation: refused at weave time, or (code generation and loading, issue 14) at run time
        new("FieldInfoSetValue", "reflection", FieldRule, Stopped),
        new("FieldInfoSetValueFull", "reflection", FieldRule, Stopped),
        new("FieldInfoSetValueRegion", "reflection", ObjectRegion, Stopped),
        new("PropertyInfoSetValue@Call", "reflection", CallRule, Stopped),
        new("PropertySetMethodInvoke@Call", "reflection", CallRule, Stopped),
        new("MethodInfoInvoke@Call", "reflection", CallRule, Stopped),
        new("DelegateCreateDelegate@Call", "reflection", CallRule, Stopped),
        new("MethodInfoCreateDelegate@Call", "reflection", CallRule, Stopped),
        new("ReflectedArrayCopy", "reflection", ArrayRange, Stopped),
        new("SetValueByInvoke", "reflection", FieldRule, Stopped),
        new("SetValueDelegate", "reflection", FieldRule, Stopped),
        new("RuntimeFieldInfoVirtual", "reflection", FieldRule, Stopped),
        new("ReflectedListReverse", "reflection", ListBacking, Stopped),
        new("ActivatorHostConstructor", "run-time", FieldRule, Stopped),
        new("PrivateFieldSetValue", "run-time", FieldRule, Stopped),
        new("InvokeMemberSetField", "run-time", FieldRule, Stopped),
        new("UninitializedHostObject", "run-time", FieldRule, Stopped),
        new("EventAddHandler", "run-time", FieldRule, Stopped),
        new("DynamicMethod", "run-time", FieldRule, Stopped),
        new("AssemblyLoadBytes", "run-time", NativeRange, Stopped),
        new("AssemblyLoadContext", "run-time", NativeRange, Stopped),
        new("DllImportMemset", "refused", NativeRange, Refused),
        new("FunctionPointerUnmanaged", "refused", NativeRange, Refused),
        new("FunctionPointerManaged", "refused", FieldRule, Refused),
        new("MakeRef", "refused", FieldRule, Refused),
        new("UnsafeAsObject", "cast", FieldRule, Stopped), // a castclass now: InvalidCastException, as a cast would throw
        new("UnsafeAsWiden", "byref", ArrayRange, Stopped),
        new("UnsafeAsNarrow", "control", NoTarget, Works),
        // 6. type confusion (no refused API involved)
        new("MarshalPtrToStructure", "refused", ObjectRegion, Refused),
        new("ExplicitUnion", "confusion", ObjectRegion, Refused),
        new("PointerReinterpret", "refused", ObjectRegion, Refused),
        new("UnsafeAsRefTypes", "confusion", ObjectRegion, Refused),
        // The same byref techniques against a field rule (no region): only the field's name protects it.
        new("RefLocal@Field", "byref", FieldRule, Stopped),
        new("RefArgument@Field", "byref", FieldRule, Stopped),
        new("InterlockedIncrement@Field", "library", FieldRule, Stopped),
        new("AsPointer@Field", "pointer", FieldRule, Stopped),
        new("CreateSpan@Field", "span", FieldRule, Stopped),
        new("StructFieldViaRef@Field", "byref", FieldRule, Stopped),
        // Host code writing for the module is governed by call rules: a direct call and a delegate bound to the setter.
        new("HostCallDirect@Call", "host call", CallRule, Stopped),
        new("HostDelegate@Call", "host call", CallRule, Stopped),
    ];

    public static IEnumerable<object[]> Cases => Techniques.Select(t => new object[] { t.Name });

    private static Technique Find(string name) => Techniques.Single(t => t.Name == name);

    [Fact]
    public void Summary_every_technique_is_stopped_or_refused()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var rows = Techniques.Select(t => (T: t, O: RedTeamHarness.Try(t))).ToList();
        var lines = new List<string> { $"{"technique",-30} {"group",-10} {"target",-13} {"expected",-9} {"outcome",-12} detail" };
        foreach (var (t, o) in rows)
        {
            var detail = o.Detail.Length > 110 ? o.Detail[..110] + "..." : o.Detail;
            lines.Add($"{t.Name,-30} {t.Group,-10} {t.Target,-13} {t.Expect,-9} {o.Result,-12} {detail}");
        }
        var tried = rows.Count(r => r.T.Target != NoTarget);
        var through = rows.Where(r => r.O.GotThrough).ToList();
        var stopped = rows.Count(r => r.O.Result is "stopped" or "refused");
        lines.Add($"red team: {tried} techniques tried, {stopped} stopped or refused, {through.Count} got through"
                  + (through.Count > 0 ? $" (known gaps: {string.Join(", ", through.Select(r => r.T.Name))})" : "") + $" [{sw.Elapsed.TotalSeconds:F1} s]");
        foreach (var line in lines)
        {
            output.WriteLine(line);
            Console.WriteLine(line);
        }
        var unexpected = rows.Where(r => !RedTeamHarness.AsExpected(r.T, r.O)).Select(r => $"{r.T.Name}: expected {r.T.Expect}, got {r.O.Result}: {r.O.Detail}").ToList();
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected));
        // Nothing gets through silently: every technique that does is a documented known gap (see KnownGap rows).
        Assert.Equal(0, through.Count(r => r.T.Expect != KnownGap));
        Assert.True(through.Count == 0, $"{through.Count} techniques got through (known gaps, not yet fixed): {string.Join(", ", through.Select(r => r.T.Name))}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Technique_is_stopped_or_refused(string technique)
    {
        var t = Find(technique);
        var o = RedTeamHarness.Try(t);
        output.WriteLine($"{t.Name} [{t.Group}, {t.Target}]: {o.Result} - {o.Detail}");
        Assert.True(RedTeamHarness.AsExpected(t, o), $"{t.Name}: expected {t.Expect}, got {o.Result}: {o.Detail}");
    }
}
