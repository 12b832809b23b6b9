using System.Reflection;
using System.Runtime.InteropServices;
using GuardRuntime;
using Mono.Cecil.Cil;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests;

/// <summary>
/// One test per store form, each on the IL Roslyn really emits (checked first, so a test cannot silently test
/// nothing): the woven code computes what the unwoven code computes, and a deny rule on the target stops exactly that
/// store, leaving the value unchanged and naming the target, the method and the source line.
/// </summary>
[Collection(GuardStateCollection.Name)]
public unsafe class StoreFormTests
{
    private const string File = StoreForms.Module + ".cs";
    private static StoreForms F => StoreForms.Optimized;
    private static int Line(string marker) => StoreFormsSource.Line(marker);

    /// <summary>Runs <paramref name="method"/> on fresh unwoven and woven copies; asserts equal results; returns the woven copy.</summary>
    private static Assembly Same(string method, object? expected, params object?[] args)
    {
        var (unwoven, woven) = F.LoadPair();
        var u = Woven.Call(unwoven, method, args);
        var w = Woven.Call(woven, method, args);
        Assert.Equal(expected, u);
        Assert.Equal(u, w);
        return woven;
    }

    private static PolicyScope DenyField(string field) => PolicyScope.Install(Deny.Field(StoreForms.Module, field));

    private static PolicyScope DenyRegion(string region) => PolicyScope.Install(Deny.Region(StoreForms.Module, region));

    // A range over (nearly) the whole user address space: stack memory, pinned and unpinned managed memory alike.
    private static PolicyScope DenyEverywhere()
    {
        var scope = DenyRegion("everywhere");
        Regions.ProtectRange((nint)0x10000, (nuint)1 << 56, "everywhere");
        return scope;
    }

    [Fact]
    public void Stfld_on_a_class_instance()
    {
        Expect.IL(F.UnwovenMethod("SF.Fields", "SetClass"), Code.Stfld, "SF.Obj::F");
        Expect.Guarded(F.WovenMethod("SF.Fields", "SetClass"), Code.Stfld, "StoreField");
        var w = Same("SF.Fields.SetClass", 5006, 5);
        var o = Reflect.Static(w, "SF.Fields.O")!;
        using var _ = DenyField("SF.Obj::F");
        Expect.Violation(() => Woven.Call(w, "SF.Fields.SetClass", 9), "SF.Obj::F", "SF.Fields::SetClass(", File, Line("ClassF"));
        Assert.Equal(5, Reflect.Get(o, "F"));
        Assert.Equal(10, Reflect.Get(o, "G")); // the store before it, to another field, went through
    }

    [Fact]
    public void Stfld_on_a_struct_local()
    {
        var il = Expect.IL(F.UnwovenMethod("SF.Structs", "ViaLocal"), Code.Stfld, "SF.Pt::X");
        Assert.Contains(il[0].Previous.Previous.OpCode.Code, new[] { Code.Ldloca, Code.Ldloca_S });
        var w = Same("SF.Structs.ViaLocal", 43, 4);
        using var _ = DenyField("SF.Pt::X");
        Expect.Violation(() => Woven.Call(w, "SF.Structs.ViaLocal", 4), "SF.Pt::X", "SF.Structs::ViaLocal(", File, Line("StructLocal"));
    }

    [Fact]
    public void Stfld_on_a_struct_through_a_ref_parameter_passes_no_target_object()
    {
        Expect.IL(F.UnwovenMethod("SF.Structs", "SetRef"), Code.Stfld, "SF.Pt::X");
        var woven = F.WovenMethod("SF.Structs", "SetRef");
        Expect.Guarded(woven, Code.Stfld, "StoreField");
        // A byref to a struct is not an object: the receiver passed to the guard is null.
        var call = woven.Body.Instructions.Single(i => i.OpCode.Code == Code.Call && i.Operand.ToString()!.Contains("StoreField"));
        Assert.Equal(Code.Ldnull, call.Previous.Previous.Previous.Previous.OpCode.Code);
        var w = Same("SF.Structs.ViaRef", 5, 5);
        using var _ = DenyField("SF.Pt::X");
        Expect.Violation(() => Woven.Call(w, "SF.Structs.ViaRef", 6), "SF.Pt::X", "SF.Structs::SetRef(", File, Line("StructRef"));
        Assert.Equal(5, Reflect.Get(Reflect.Static(w, "SF.Structs.Held")!, "X"));
    }

    [Fact]
    public void Stsfld()
    {
        Expect.IL(F.UnwovenMethod("SF.Statics", "Bump"), Code.Stsfld, "SF.Statics::Counter");
        var w = Same("SF.Statics.Bump", 2, 2);
        using var _ = DenyField("SF.Statics::Counter");
        Expect.Violation(() => Woven.Call(w, "SF.Statics.Bump", 3), "SF.Statics::Counter", "SF.Statics::Bump(", File, Line("Stsfld"));
        Assert.Equal(2, Reflect.Static(w, "SF.Statics.Counter"));
    }

    public static TheoryData<string, Code, string, object, object, string> ElementStores => new()
    {
        { "SetB", Code.Stelem_I1, "B", 200, 200, "StelemI1" },
        { "SetZ", Code.Stelem_I1, "Z", true, 1, "StelemI1Bool" },
        { "SetS", Code.Stelem_I2, "S", -3, -3, "StelemI2" },
        { "SetC", Code.Stelem_I2, "C", 'q', (int)'q', "StelemI2Char" },
        { "SetI", Code.Stelem_I4, "I", 77, 77, "StelemI4" },
        { "SetE", Code.Stelem_I4, "E", 2, 2, "StelemI4Enum" },
        { "SetL", Code.Stelem_I8, "L", 1L << 40, 1L << 40, "StelemI8" },
        { "SetF", Code.Stelem_R4, "F", 1.5f, 1.5f, "StelemR4" },
        { "SetD", Code.Stelem_R8, "D", 2.25, 2.25, "StelemR8" },
        { "SetN", Code.Stelem_I, "N", (nint)12345, (nint)12345, "StelemI" },
        { "SetR", Code.Stelem_Ref, "R", "r", "r", "StelemRef" },
        { "SetP", Code.Stelem_Any, "P", 9, 19, "StelemAny" },
    };

    [Theory]
    [MemberData(nameof(ElementStores))]
    public void Stelem(string method, Code code, string array, object value, object expected, string marker)
    {
        Expect.IL(F.UnwovenMethod("SF.Arrays", method), code);
        Expect.Guarded(F.WovenMethod("SF.Arrays", method), code, "StoreElement");
        var (unwoven, woven) = F.LoadPair();
        if (method == "SetE") value = Enum.ToObject(woven.GetType("SF.Color")!, value);
        var u = Woven.Call(unwoven, "SF.Arrays." + method, 1, method == "SetE" ? Enum.ToObject(unwoven.GetType("SF.Color")!, 2) : value);
        Assert.Equal(expected, u);
        Assert.Equal(u, Woven.Call(woven, "SF.Arrays." + method, 1, value));

        var arr = (Array)Reflect.Static(woven, "SF.Arrays." + array)!;
        var before = arr.GetValue(2);
        using var _ = DenyRegion("elements");
        Regions.ProtectElements(arr, 2, 1, "elements");
        Assert.Equal(expected, Woven.Call(woven, "SF.Arrays." + method, 3, value)); // outside the region: allowed
        var e = Expect.Violation(() => Woven.Call(woven, "SF.Arrays." + method, 2, value), "region 'elements'", "SF.Arrays::" + method + "(", File, Line(marker));
        Assert.Contains("index 2", e.Message);
        Assert.Equal(before, arr.GetValue(2));
    }

    [Fact]
    public void Stelem_of_a_generic_T_array_with_int_and_string()
    {
        Assert.IsType<Mono.Cecil.GenericParameter>(Expect.IL(F.UnwovenMethod("SF.Arrays", "SetAt"), Code.Stelem_Any)[0].Operand);
        Expect.Guarded(F.WovenMethod("SF.Arrays", "SetAt"), Code.Stelem_Any, "StoreElement");
        Same("SF.Arrays.SetGeneric", "7s", 2);
        var w = Same("SF.Arrays.SetGenInt", 5, 1, 5);
        Assert.Equal("a", Woven.Call(w, "SF.Arrays.SetGenStr", 1, "a"));
        var ints = (int[])Reflect.Static(w, "SF.Arrays.GI")!;
        var strs = (string[])Reflect.Static(w, "SF.Arrays.GS")!;
        using var _ = DenyRegion("generic");
        Regions.ProtectElements(ints, 2, 1, "generic");
        Regions.ProtectElements(strs, 2, 1, "generic");
        Assert.Equal(6, Woven.Call(w, "SF.Arrays.SetGenInt", 3, 6));
        Expect.Violation(() => Woven.Call(w, "SF.Arrays.SetGenInt", 2, 7), "region 'generic'", "SF.Arrays::SetAt(", File, Line("StelemT"));
        Expect.Violation(() => Woven.Call(w, "SF.Arrays.SetGenStr", 2, "b"), "region 'generic'", "SF.Arrays::SetAt(", File, Line("StelemT"));
        Assert.Equal(0, ints[2]);
        Assert.Null(strs[2]);
    }

    public static TheoryData<string, Code, object, int, string> IndirectStores => new()
    {
        { "WriteI1", Code.Stind_I1, (byte)0xAB, 1, "StindI1" },
        { "WriteI2", Code.Stind_I2, (short)-2, 2, "StindI2" },
        { "WriteI4", Code.Stind_I4, 0x12345678, 4, "StindI4" },
        { "WriteI8", Code.Stind_I8, 0x1122334455667788L, 8, "StindI8" },
        { "WriteR4", Code.Stind_R4, 3.5f, 4, "StindR4" },
        { "WriteR8", Code.Stind_R8, -7.25, 8, "StindR8" },
        { "WriteI", Code.Stind_I, (nint)0x5566, 8, "StindI" },
    };

    [Theory]
    [MemberData(nameof(IndirectStores))]
    public void Stind_through_a_raw_pointer_into_NativeMemory(string method, Code code, object value, int size, string marker)
    {
        Expect.IL(F.UnwovenMethod("SF.Pointers", method), code);
        Expect.Guarded(F.WovenMethod("SF.Pointers", method), code, "StoreAddress");
        var (unwoven, woven) = F.LoadPair();
        using var memory = new Native(32);
        using var expected = new Native(32);
        Woven.Call(unwoven, "SF.Pointers." + method, expected.At(0), value);
        Woven.Call(woven, "SF.Pointers." + method, memory.At(0), value);
        Assert.Equal(expected.Bytes(), memory.Bytes());
        Assert.NotEqual(new byte[32], memory.Bytes());

        using var _ = DenyRegion("native");
        Regions.ProtectRange(memory.At(16), 8, "native");
        Woven.Call(woven, "SF.Pointers." + method, memory.At(8), value); // before the region: allowed
        var snapshot = memory.Bytes();
        var e = Expect.Violation(() => Woven.Call(woven, "SF.Pointers." + method, memory.At(16), value), "region 'native'", "SF.Pointers::" + method + "(", File, Line(marker));
        Assert.Contains($"+{size},", e.Message);
        Assert.Equal(snapshot, memory.Bytes());
        // A write that only overlaps the region's first byte is refused too.
        Expect.Violation(() => Woven.Call(woven, "SF.Pointers." + method, memory.At(16 - size + 1), value), "region 'native'", "SF.Pointers::" + method + "(", File, Line(marker));
        Assert.Equal(snapshot, memory.Bytes());
    }

    [Theory]
    [InlineData("SF.Pointers.NativeViaRefParam", "SetViaRefParam", "RefParam", false)]
    [InlineData("SF.Pointers.ViaRefLocal", "ViaRefLocal", "RefLocal", true)]
    [InlineData("SF.Pointers.ViaRefReturn", "ViaRefReturn", "RefReturn", true)]
    public void Stind_through_ref_params_ref_locals_and_ref_returns(string entry, string storeMethod, string marker, bool indexed)
    {
        Expect.IL(F.UnwovenMethod("SF.Pointers", storeMethod), Code.Stind_I4);
        Expect.Guarded(F.WovenMethod("SF.Pointers", storeMethod), Code.Stind_I4, "StoreAddress");
        var (unwoven, woven) = F.LoadPair();
        using var memory = new Native(16);
        using var expected = new Native(16);
        object[] Args(nint p, int v) => indexed ? [p, 1, v] : [p + 4, v];
        Woven.Call(unwoven, entry, Args(expected.At(0), 99));
        Woven.Call(woven, entry, Args(memory.At(0), 99));
        Assert.Equal(expected.Bytes(), memory.Bytes());
        Assert.Equal(99, BitConverter.ToInt32(memory.Bytes(), 4));

        using var _ = DenyRegion("native");
        Regions.ProtectRange(memory.At(4), 4, "native");
        Woven.Call(woven, entry, Args(memory.At(4), 5)); // the int after the region: allowed
        Expect.Violation(() => Woven.Call(woven, entry, Args(memory.At(0), 100)), "region 'native'", "SF.Pointers::" + storeMethod + "(", File, Line(marker));
        Assert.Equal(99, BitConverter.ToInt32(memory.Bytes(), 4));
        Assert.Equal(5, BitConverter.ToInt32(memory.Bytes(), 8));
    }

    [Fact]
    public void Stind_through_managed_refs_and_stind_ref()
    {
        Expect.IL(F.UnwovenMethod("SF.Pointers", "WriteRef"), Code.Stind_Ref);
        Expect.Guarded(F.WovenMethod("SF.Pointers", "WriteRef"), Code.Stind_Ref, "StoreAddress");
        Expect.IL(F.UnwovenMethod("SF.Pointers", "ManagedRefs"), Code.Stind_I4);
        Expect.Guarded(F.WovenMethod("SF.Pointers", "ManagedRefs"), Code.Stind_I4, "StoreAddress");
        Same("SF.Pointers.ManagedRefs", (3 + 4 + 5 + 6) * 10 + 1, 3);
        var w = Same("SF.Pointers.SetSlot", "a", "a");
        // Managed memory is never in a protected unmanaged range ...
        using (DenyRegion("native"))
        {
            using var memory = new Native(16);
            Regions.ProtectRange(memory.At(0), 16, "native");
            Assert.Equal("b", Woven.Call(w, "SF.Pointers.SetSlot", "b"));
        }
        // ... but the guard does run at the stind.ref: a range over the whole address space catches it.
        using var _ = DenyEverywhere();
        Expect.Violation(() => Woven.Call(w, "SF.Pointers.SetSlot", "c"), "region 'everywhere'", "SF.Pointers::WriteRef(", File, Line("StindRef"));
        Assert.Equal("b", Reflect.Static(w, "SF.Pointers.Slot0"));
    }

    [Fact]
    public void Stobj_of_a_struct_through_a_ref()
    {
        Expect.IL(F.UnwovenMethod("SF.Pointers", "StoreStruct"), Code.Stobj, "SF.Pt");
        Expect.Guarded(F.WovenMethod("SF.Pointers", "StoreStruct"), Code.Stobj, "StoreAddress");
        var (unwoven, woven) = F.LoadPair();
        using var memory = new Native(16);
        using var expected = new Native(16);
        Woven.Call(unwoven, "SF.Pointers.StoreStruct", expected.At(0), Activator.CreateInstance(unwoven.GetType("SF.Pt")!, 7, 8));
        Woven.Call(woven, "SF.Pointers.StoreStruct", memory.At(0), Activator.CreateInstance(woven.GetType("SF.Pt")!, 7, 8));
        Assert.Equal(expected.Bytes(), memory.Bytes());
        Assert.Equal(8, BitConverter.ToInt32(memory.Bytes(), 4));

        using var _ = DenyRegion("native");
        Regions.ProtectRange(memory.At(4), 1, "native"); // one byte of Y
        var snapshot = memory.Bytes();
        var e = Expect.Violation(() => Woven.Call(woven, "SF.Pointers.StoreStruct", memory.At(0), Activator.CreateInstance(woven.GetType("SF.Pt")!, 1, 2)),
            "region 'native'", "SF.Pointers::StoreStruct(", File, Line("Stobj"));
        Assert.Contains("+8,", e.Message);
        Assert.Equal(snapshot, memory.Bytes());
        Woven.Call(woven, "SF.Pointers.StoreStruct", memory.At(8), Activator.CreateInstance(woven.GetType("SF.Pt")!, 1, 2));
    }

    [Fact]
    public void Initobj_through_a_ref()
    {
        Expect.IL(F.UnwovenMethod("SF.Pointers", "ClearStruct"), Code.Initobj, "SF.Pt");
        Expect.IL(F.UnwovenMethod("SF.Pointers", "ClearRef"), Code.Initobj, "SF.Pt");
        Expect.Guarded(F.WovenMethod("SF.Pointers", "ClearStruct"), Code.Initobj, "StoreAddress");
        Expect.Guarded(F.WovenMethod("SF.Pointers", "ClearRef"), Code.Initobj, "StoreAddress");
        Same("SF.Pointers.ClearHeld", 0);
        var (_, woven) = F.LoadPair();
        using var memory = new Native(16);
        memory.Fill(0x5A);
        Woven.Call(woven, "SF.Pointers.ClearStruct", memory.At(8));
        Assert.Equal([.. Enumerable.Repeat((byte)0x5A, 8), .. new byte[8]], memory.Bytes());

        memory.Fill(0x5A);
        using var _ = DenyRegion("native");
        Regions.ProtectRange(memory.At(7), 2, "native");
        Expect.Violation(() => Woven.Call(woven, "SF.Pointers.ClearStruct", memory.At(8)), "region 'native'", "SF.Pointers::ClearStruct(", File, Line("Initobj"));
        Expect.Violation(() => Woven.Call(woven, "SF.Pointers.ClearStruct", memory.At(0)), "region 'native'", "SF.Pointers::ClearStruct(", File, Line("Initobj"));
        Assert.Equal(Enumerable.Repeat((byte)0x5A, 16).ToArray(), memory.Bytes());
    }

    [Fact]
    public void Stind_through_a_fixed_pointer_into_a_pinned_array()
    {
        var unwovenIL = F.UnwovenMethod("SF.Pointers", "FixedWrite");
        Expect.IL(unwovenIL, Code.Stind_I4);
        Assert.Contains(unwovenIL.Body.Variables, v => v.IsPinned);
        var (unwoven, woven) = F.LoadPair();
        var a = new int[4];
        var b = new int[4];
        Woven.Call(unwoven, "SF.Pointers.FixedWrite", a, 1, 11);
        Woven.Call(woven, "SF.Pointers.FixedWrite", b, 1, 11);
        Assert.Equal(a, b);
        Assert.Equal(11, b[1]);

        var handle = GCHandle.Alloc(b, GCHandleType.Pinned);
        try
        {
            using var _ = DenyRegion("pinned");
            Regions.ProtectRange(handle.AddrOfPinnedObject() + 8, 4, "pinned");
            Woven.Call(woven, "SF.Pointers.FixedWrite", b, 3, 33);
            Expect.Violation(() => Woven.Call(woven, "SF.Pointers.FixedWrite", b, 2, 22), "region 'pinned'", "SF.Pointers::FixedWrite(", File, Line("Fixed"));
            Assert.Equal(new[] { 0, 11, 0, 33 }, b);
        }
        finally { handle.Free(); }
    }

    [Fact]
    public void Stind_into_stackalloc_memory()
    {
        var il = F.UnwovenMethod("SF.Pointers", "StackWrite");
        Expect.IL(il, Code.Localloc);
        Expect.IL(il, Code.Stind_I4);
        var w = Same("SF.Pointers.StackWrite", 14, 14);
        using var _ = DenyEverywhere();
        Expect.Violation(() => Woven.Call(w, "SF.Pointers.StackWrite", 14), "region 'everywhere'", "SF.Pointers::StackWrite(", File, Line("Stackalloc"));
    }

    [Fact]
    public void Stind_into_NativeMemory_allocated_by_the_module()
    {
        Expect.IL(F.UnwovenMethod("SF.Pointers", "NativeRoundTrip"), Code.Stind_I4);
        Same("SF.Pointers.NativeRoundTrip", 45, 15);
    }

    [Theory]
    [InlineData("StackCopy", Code.Cpblk, "Cpblk")]
    [InlineData("StackInit", Code.Initblk, "Initblk")]
    public void Cpblk_and_initblk_from_stackalloc_initializers(string method, Code code, string marker)
    {
        // Roslyn copies varied initializer bytes from the image (cpblk) and fills all-equal bytes (initblk).
        var il = F.UnwovenMethod("SF.Pointers", method);
        Expect.IL(il, code);
        Assert.DoesNotContain(il.Body.Instructions, i => i.OpCode.Code == (code == Code.Cpblk ? Code.Initblk : Code.Cpblk));
        Expect.Guarded(F.WovenMethod("SF.Pointers", method), code, "StoreAddress");
        int expected = 0;
        foreach (var b in code == Code.Cpblk ? Enumerable.Range(1, 12) : Enumerable.Repeat(7, 12)) expected = expected * 31 + b;
        var w = Same("SF.Pointers." + method, expected);
        using var _ = DenyEverywhere();
        var e = Expect.Violation(() => Woven.Call(w, "SF.Pointers." + method), "region 'everywhere'", "SF.Pointers::" + method + "(", File, Line(marker));
        Assert.Contains("+12,", e.Message);
    }

    [Fact]
    public void Volatile_instance_and_static_fields()
    {
        var unwovenStore = Expect.IL(F.UnwovenMethod("SF.Vol", "Set"), Code.Stfld, "SF.Vol::Flag").Single();
        Assert.Equal(Code.Volatile, unwovenStore.Previous.OpCode.Code);
        foreach (var (method, code, guard) in new[] { ("Set", Code.Stfld, "StoreField"), ("SetStatic", Code.Stsfld, "StoreStatic") })
        {
            var woven = F.WovenMethod("SF.Vol", method);
            Expect.Guarded(woven, code, guard);
            var store = Expect.IL(woven, code).Single();
            Assert.Equal(Code.Volatile, store.Previous.OpCode.Code); // the prefix still sits right before its store
            Assert.Equal(F.UnwovenMethod("SF.Vol", method).Body.Instructions.Count(i => i.OpCode.Code == Code.Volatile),
                woven.Body.Instructions.Count(i => i.OpCode.Code == Code.Volatile));
        }
        var w = Same("SF.Vol.Set", 16, 16);
        Assert.Equal(17, Woven.Call(w, "SF.Vol.SetStatic", 17));
        using var _ = PolicyScope.Install(Deny.Rules(StoreForms.Module,
            new PolicyRule(RuleSelector.Field, "SF.Vol::Flag", GuardAction.Throw), new PolicyRule(RuleSelector.Field, "SF.Vol::StaticFlag", GuardAction.Throw)));
        Expect.Violation(() => Woven.Call(w, "SF.Vol.Set", 1), "SF.Vol::Flag", "SF.Vol::Set(", File, Line("Volatile"));
        Expect.Violation(() => Woven.Call(w, "SF.Vol.SetStatic", 1), "SF.Vol::StaticFlag", "SF.Vol::SetStatic(", File, Line("VolatileStatic"));
        Assert.Equal(16, Reflect.Get(Reflect.Static(w, "SF.Vol.V")!, "Flag"));
        Assert.Equal(17, Reflect.Static(w, "SF.Vol.StaticFlag"));
    }

    [Fact]
    public void Branches_into_the_store_take_the_guard_on_every_path()
    {
        foreach (var method in new[] { "Cond", "Coalesce" })
        {
            var il = F.UnwovenMethod("SF.Branches", method);
            var store = Expect.IL(il, Code.Stfld).Single();
            Assert.True(Expect.Targets(il).Contains(store), $"the compiler no longer branches straight to the stfld in {method}:\n{string.Join("\n", il.Body.Instructions)}");
        }
        Expect.IL(F.UnwovenMethod("SF.Branches", "Switch"), Code.Switch);
        var w = Same("SF.Branches.Cond", 1, true, 1, 2);
        Assert.Equal(2, Woven.Call(w, "SF.Branches.Cond", false, 1, 2));
        Assert.Equal("b", Woven.Call(w, "SF.Branches.Coalesce", null, "b"));
        Assert.Equal("a", Woven.Call(w, "SF.Branches.Coalesce", "a", "b"));
        Assert.Equal("zero|one|two|many", string.Join("|", new[] { 0, 1, 2, 9 }.Select(n => Woven.Call(w, "SF.Branches.Switch", n))));
        var b = Reflect.Static(w, "SF.Branches.B")!;

        using var _ = PolicyScope.Install(Deny.Rules(StoreForms.Module,
            new PolicyRule(RuleSelector.Field, "SF.Br::F", GuardAction.Throw), new PolicyRule(RuleSelector.Field, "SF.Br::S", GuardAction.Throw),
            new PolicyRule(RuleSelector.Field, "SF.Br::T", GuardAction.Throw)));
        foreach (var c in new[] { true, false })
            Expect.Violation(() => Woven.Call(w, "SF.Branches.Cond", c, 7, 8), "SF.Br::F", "SF.Branches::Cond(", File, Line("Cond"));
        foreach (var a in new[] { null, "x" })
            Expect.Violation(() => Woven.Call(w, "SF.Branches.Coalesce", a, "y"), "SF.Br::S", "SF.Branches::Coalesce(", File, Line("Coalesce"));
        foreach (var n in new[] { 0, 1, 2, 9 })
            Expect.Violation(() => Woven.Call(w, "SF.Branches.Switch", n), "SF.Br::T", "SF.Branches::Switch(", File, Line("Switch"));
        Assert.Equal(2, Reflect.Get(b, "F"));
        Assert.Equal("a", Reflect.Get(b, "S"));
        Assert.Equal("many", Reflect.Get(b, "T"));
    }

    [Fact]
    public void A_store_that_begins_a_catch_handler()
    {
        var il = F.UnwovenMethod("SF.Catches", "Divide");
        var handler = Assert.Single(il.Body.ExceptionHandlers);
        Assert.Equal(Code.Stsfld, handler.HandlerStart.OpCode.Code);
        var wovenHandler = Assert.Single(F.WovenMethod("SF.Catches", "Divide").Body.ExceptionHandlers);
        Assert.NotEqual(Code.Stsfld, wovenHandler.HandlerStart.OpCode.Code); // the handler now begins with the guard

        var w = Same("SF.Catches.Divide", -1, 1, 0);
        Assert.IsType<DivideByZeroException>(Reflect.Static(w, "SF.Catches.Last"));
        var (_, fresh) = F.LoadPair();
        using var _ = DenyField("SF.Catches::Last");
        Assert.Equal(2, Woven.Call(fresh, "SF.Catches.Divide", 4, 2));
        Expect.Violation(() => Woven.Call(fresh, "SF.Catches.Divide", 1, 0), "SF.Catches::Last", "SF.Catches::Divide(", File, Line("Catch"));
        Assert.Null(Reflect.Static(fresh, "SF.Catches.Last"));
    }

    [Fact]
    public void Generic_classes_and_generic_methods_with_int_and_string()
    {
        Expect.IL(F.UnwovenMethod("SF.Generics", "SetInt"), Code.Stfld, "SF.Box`1<System.Int32>::Value");
        Assert.IsType<Mono.Cecil.GenericParameter>(((Mono.Cecil.GenericInstanceType)((Mono.Cecil.FieldReference)Expect.IL(F.UnwovenMethod("SF.Generics", "Set"), Code.Stfld, "::Value")[0].Operand).DeclaringType).GenericArguments[0]);
        Expect.IL(F.UnwovenMethod("SF.Box`1", "Put"), Code.Stfld, "::Value");
        Expect.Guarded(F.WovenMethod("SF.Generics", "Set"), Code.Stfld, "StoreField");
        var w = Same("SF.Generics.SetInt", 18, 18);
        Assert.Equal(19, Woven.Call(w, "SF.Generics.SetIntVia", 19));
        Assert.Equal("x", Woven.Call(w, "SF.Generics.SetStrVia", "x"));
        Same("SF.Generics.PutBoth", "20y", 20, "y");

        using var _ = DenyField("SF.Box`1::Value");
        Expect.Violation(() => Woven.Call(w, "SF.Generics.SetInt", 1), "SF.Box`1::Value", "SF.Generics::SetInt(", File, Line("BoxInt"));
        Expect.Violation(() => Woven.Call(w, "SF.Generics.SetIntVia", 1), "SF.Box`1::Value", "SF.Generics::Set(", File, Line("BoxGeneric"));
        Expect.Violation(() => Woven.Call(w, "SF.Generics.SetStrVia", "z"), "SF.Box`1::Value", "SF.Generics::Set(", File, Line("BoxGeneric"));
        Expect.Violation(() => Woven.Call(w, "SF.Generics.PutBoth", 1, "z"), "SF.Box`1::Value", "SF.Box`1::Put(", File, Line("BoxPut"));
        Assert.Equal(19, Reflect.Get(Reflect.Static(w, "SF.Generics.IntBox")!, "Value"));
        Assert.Equal("x", Reflect.Get(Reflect.Static(w, "SF.Generics.StrBox")!, "Value"));
    }

    [Fact]
    public void Static_constructor()
    {
        Expect.IL(F.UnwovenMethod("SF.WithCctor", ".cctor"), Code.Stsfld, "SF.WithCctor::Seed");
        Same("SF.WithCctor.Get", 45);
        var (_, fresh) = F.LoadPair();
        using var _ = DenyField("SF.WithCctor::Seed");
        Expect.Violation(() => Woven.Call(fresh, "SF.WithCctor.Get"), "SF.WithCctor::Seed", "SF.WithCctor::.cctor(", File, Line("Cctor"));
    }

    [Fact]
    public void Async_method_state_machine()
    {
        var machine = F.Unwoven.GetType("SF.Asyncs").NestedTypes.Single(t => t.Name.StartsWith("<Compute>", StringComparison.Ordinal));
        var moveNext = machine.Methods.Single(m => m.Name == "MoveNext");
        Expect.IL(moveNext, Code.Stfld, "<>1__state");
        Expect.IL(moveNext, Code.Stfld, "SF.Acc::B");
        var wovenMoveNext = F.WovenMethod(machine.FullName, "MoveNext");
        Expect.Guarded(wovenMoveNext, Code.Stfld, "StoreField");
        var w = Same("SF.Asyncs.RunCompute", 63, 21);
        using var _ = DenyField("SF.Acc::B");
        Expect.Violation(() => Woven.Call(w, "SF.Asyncs.RunCompute", 5), "SF.Acc::B", $"SF.Asyncs+{machine.Name}::MoveNext(", File, Line("AsyncB"));
        var h = Reflect.Static(w, "SF.Asyncs.H")!;
        Assert.Equal(5, Reflect.Get(h, "A"));
        Assert.Equal(42, Reflect.Get(h, "B"));
    }

    [Fact]
    public void Iterator_state_machine_fields()
    {
        var machine = F.Unwoven.GetType("SF.Iterators").NestedTypes.Single(t => t.Name.StartsWith("<Squares>", StringComparison.Ordinal));
        Expect.IL(machine.Methods.Single(m => m.Name == "MoveNext"), Code.Stfld, "<>2__current");
        var w = Same("SF.Iterators.Sum", 55, 5);
        var current = $"SF.Iterators+{machine.Name}::<>2__current";
        using var _ = DenyField(current);
        Expect.Violation(() => Woven.Call(w, "SF.Iterators.Sum", 3), current, $"SF.Iterators+{machine.Name}::MoveNext(", File, Line("Yield"));
    }

    [Fact]
    public void Lambda_writing_a_captured_local()
    {
        var closure = F.Unwoven.GetType("SF.Lambdas").NestedTypes.Single(t => t.Fields.Any(f => f.Name == "count"));
        var lambda = closure.Methods.Single(m => m.Name.StartsWith("<MakeCounter>", StringComparison.Ordinal) && m.Body.Instructions.Any(i => i.OpCode.Code == Code.Stfld));
        Expect.IL(lambda, Code.Stfld, "::count");
        var w = Same("SF.Lambdas.Count", 6, 6);
        object?[] args = [null];
        var inc = (Delegate)Woven.Call(w, "SF.Lambdas.MakeCounter", args)!;
        var read = (Delegate)args[0]!;
        inc.DynamicInvoke();
        Assert.Equal(1, read.DynamicInvoke());
        using var _ = DenyRegion("closure");
        Regions.Protect(inc.Target!, "closure");
        Expect.Violation(() => inc.DynamicInvoke(), "region 'closure'", $"SF.Lambdas+{closure.Name}::{lambda.Name}(", File, Line("Lambda"));
        Assert.Equal(1, read.DynamicInvoke());
        // Another counter's closure is not protected.
        Assert.Equal(4, Woven.Call(w, "SF.Lambdas.Count", 4));
    }

    [Fact]
    public void Struct_constructor()
    {
        var ctor = F.UnwovenMethod("SF.Pt", ".ctor");
        Expect.IL(ctor, Code.Stfld, "SF.Pt::X");
        Expect.IL(ctor, Code.Stfld, "SF.Pt::Y");
        var w = Same("SF.Structs.Make", 607, 6, 7);
        using var _ = DenyField("SF.Pt::Y");
        Expect.Violation(() => Woven.Call(w, "SF.Structs.Make", 8, 9), "SF.Pt::Y", "SF.Pt::.ctor(", File, Line("PtCtorY"));
        Assert.Equal(7, Reflect.Get(Reflect.Static(w, "SF.Structs.Made")!, "Y"));
    }

    [Fact]
    public void Object_initializer()
    {
        var il = F.UnwovenMethod("SF.Inits", "Make");
        var store = Expect.IL(il, Code.Stfld, "SF.Cfg::B").Single();
        Assert.Equal(Code.Dup, store.Previous.Previous.OpCode.Code);
        var w = Same("SF.Inits.Make", 23, 2, 3);
        using var _ = DenyField("SF.Cfg::B");
        Expect.Violation(() => Woven.Call(w, "SF.Inits.Make", 4, 5), "SF.Cfg::B", "SF.Inits::Make(", File, Line("ObjInit"));
        Assert.Equal(3, Reflect.Get(Reflect.Static(w, "SF.Inits.Last")!, "B"));
    }

    [Fact]
    public void Field_initializer_before_the_base_constructor_call()
    {
        var ctor = F.UnwovenMethod("SF.Derived", ".ctor");
        var early = Expect.IL(ctor, Code.Stfld, "SF.Derived::Early").Single();
        var baseCall = Expect.IL(ctor, Code.Call, "SF.BaseCls::.ctor").Single();
        Assert.True(early.Offset < baseCall.Offset);
        var w = Same("SF.Ctors.Make", 523, 22);
        using var _ = DenyField("SF.Derived::Early");
        Expect.Violation(() => Woven.Call(w, "SF.Ctors.Make", 1), "SF.Derived::Early", "SF.Derived::.ctor(", File, Line("FieldInit"));
    }

    [Fact]
    public void Every_store_form_together_computes_the_same_in_Release_and_Debug()
    {
        foreach (var build in new[] { StoreForms.Optimized, StoreForms.Unoptimized })
        {
            var (unwoven, woven) = build.LoadPair();
            var expected = (string)Woven.Call(unwoven, "SF.All.Run")!;
            Assert.Equal(expected, Woven.Call(woven, "SF.All.Run"));
            Assert.Contains("zero", expected);
        }
    }

    [Fact]
    public void No_branch_or_handler_lands_between_a_guard_and_its_store()
    {
        foreach (var build in new[] { StoreForms.Optimized, StoreForms.Unoptimized })
            foreach (var method in build.WovenModule.GetTypes().Where(t => t.Name != "<WeaverGuard>").SelectMany(t => t.Methods).Where(m => m.HasBody))
            {
                var targets = Expect.Targets(method);
                foreach (var store in method.Body.Instructions.Where(i => IsStore(i.OpCode.Code)))
                {
                    // A store to the method's own frame (ldloca|ldarga; [ldloc v]; store) needs no guard, only that no
                    // branch lands between the address and the store (docs/security-model.md, static elimination).
                    var address = store.OpCode.Code == Code.Initobj ? store.Previous : store.Previous?.Previous;
                    if (!store.OpCode.Code.ToString().StartsWith("Stfld", StringComparison.Ordinal)
                        && address?.OpCode.Code is Code.Ldloca or Code.Ldloca_S or Code.Ldarga or Code.Ldarga_S)
                    {
                        Assert.False(targets.Contains(store) || targets.Contains(store.Previous!),
                            $"{method.FullName}: a branch lands inside the frame store at IL_{store.Offset:x4}");
                        continue;
                    }
                    // Walking back from the store, its guard call comes before any other store, and nothing in
                    // between (reloads, prefixes, the store itself) is the target of a branch or handler.
                    var p = store;
                    for (; p is not null && !(p.OpCode.Code == Code.Call && p.Operand.ToString()!.Contains("GuardRuntime.Guard::Store")); p = p.Previous)
                    {
                        Assert.False(targets.Contains(p), $"{method.FullName}: IL_{p.Offset:x4} is a branch target inside the guard of IL_{store.Offset:x4}");
                        Assert.False(p != store && IsStore(p.OpCode.Code), $"{method.FullName}: the store at IL_{store.Offset:x4} has no guard of its own");
                    }
                    Assert.True(p is not null, $"{method.FullName}: the store at IL_{store.Offset:x4} has no guard");
                }
            }
    }

    private static bool IsStore(Code code) => code is Code.Stfld or Code.Stsfld or Code.Stelem_I or Code.Stelem_I1 or Code.Stelem_I2 or Code.Stelem_I4
        or Code.Stelem_I8 or Code.Stelem_R4 or Code.Stelem_R8 or Code.Stelem_Ref or Code.Stelem_Any or Code.Stind_I or Code.Stind_I1 or Code.Stind_I2
        or Code.Stind_I4 or Code.Stind_I8 or Code.Stind_R4 or Code.Stind_R8 or Code.Stind_Ref or Code.Stobj or Code.Initobj or Code.Cpobj or Code.Cpblk or Code.Initblk;
}

/// <summary>A block of zeroed unmanaged memory (NativeMemory) for pointer tests.</summary>
public sealed unsafe class Native(int size) : IDisposable
{
    private readonly byte* block = (byte*)NativeMemory.AllocZeroed((nuint)size);

    public nint At(int offset) => (nint)(block + offset);

    public byte[] Bytes() => new ReadOnlySpan<byte>(block, size).ToArray();

    public void Fill(byte value) => new Span<byte>(block, size).Fill(value);

    public void Dispose() => NativeMemory.Free(block);
}
