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
        new("InViaAsRef", "byref", ObjectRegion, Stopped),
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
        new("CollectionsMarshalAsSpan", "span", ListBacking, Stopped, "the List's backing array is protected separately"),
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
        new("MarshalPtrToStructure", "library", ObjectRegion, Stopped),
        // 5. reflection and code generation: refused at weave time
        new("FieldInfoSetValue", "refused", FieldRule, Refused),
        new("PropertyInfoSetValue", "refused", FieldRule, Refused),
        new("MethodInfoInvoke", "refused", FieldRule, Refused),
        new("ActivatorCreateInstance", "refused", FieldRule, Refused),
        new("DelegateCreateDelegate", "refused", FieldRule, Refused),
        new("DynamicMethod", "refused", FieldRule, Refused),
        new("AssemblyLoadBytes", "refused", NativeRange, Refused),
        new("AssemblyLoadContext", "refused", NativeRange, Refused),
        new("DllImportMemset", "refused", NativeRange, Refused),
        new("FunctionPointerUnmanaged", "refused", NativeRange, Refused),
        new("FunctionPointerManaged", "refused", FieldRule, Refused),
        new("MakeRef", "refused", FieldRule, Refused),
        new("UnsafeAsObject", "refused", FieldRule, Refused),
        // 6. type confusion (no refused API involved)
        new("ExplicitUnion", "confusion", ObjectRegion, Stopped),
        new("PointerReinterpret", "confusion", ObjectRegion, Stopped),
        new("UnsafeAsRefTypes", "confusion", ObjectRegion, Stopped),
        // The same byref techniques against a field rule (no region): only the field's name protects it.
        new("RefLocal@Field", "byref", FieldRule, Stopped),
        new("RefArgument@Field", "byref", FieldRule, Stopped),
        new("InterlockedIncrement@Field", "library", FieldRule, Stopped),
        new("AsPointer@Field", "pointer", FieldRule, Stopped),
        new("CreateSpan@Field", "span", FieldRule, Stopped),
        new("StructFieldViaRef@Field", "byref", FieldRule, Stopped),
        new("HostDelegate@Field", "confusion", FieldRule, Stopped),
    ];

    public static IEnumerable<object[]> Cases => Techniques.Select(t => new object[] { t.Name });

    private static Technique Find(string name) => Techniques.Single(t => t.Name == name);

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
