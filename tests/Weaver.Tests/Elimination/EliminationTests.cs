using System.Reflection;
using GuardRuntime;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Inspection;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Elimination;

/// <summary>
/// Static guard elimination: each reason on the IL Roslyn emits (Cases/Eliminations.cs), the same shape that must
/// keep its guard beside it, woven = unwoven results, the verifier accepting exactly the shapes it can re-prove, and
/// the documented semantics (a protection registered after a formation applies from the next formation).
/// </summary>
[Collection(GuardStateCollection.Name)]
public sealed class EliminationTests
{
    private const string Module = "Eliminations";
    private static readonly string Source = Path.Combine(AppContext.BaseDirectory, "Elimination", "Cases", "Eliminations.cs");
    private static readonly Lazy<(string Unwoven, string Woven)> Build = new(() =>
    {
        var unwoven = SnippetCompiler.CompileFiles([Source], Module);
        return (unwoven, Woven.Weave(unwoven)); // Weave also asserts the load-time verifier accepts the file
    });

    private static int Line(string marker) =>
        File.ReadAllLines(Source).Select((text, i) => (text, i)).Single(l => l.text.Contains("MARK:" + marker)).i + 1;

    private static (Assembly Unwoven, Assembly Woven) Pair() => (Woven.Load(Build.Value.Unwoven), Woven.Load(Build.Value.Woven));

    private static object? Call(Assembly a, string method, params object?[] args) => Woven.Call(a, "Elim.Cases." + method, args);

    private static PolicyScope DenyRegion(string region) =>
        PolicyScope.Install(Deny.Region(Module, region));

    [Fact]
    public void A_store_to_a_struct_local_keeps_only_its_field_check_and_initobj_of_a_local_none()
    {
        var stores = AssemblyInspector.Inspect(Build.Value.Woven, "Elim.Cases::StackLocal").Explained;
        Assert.Contains(stores, s => s.OpCode == "stfld" && s.Reason == "stack" && s.Checks == "StoreField");
        Assert.DoesNotContain(stores, s => s.Checks.Contains("StoreAddress"));
        var (u, w) = Pair();
        Assert.Equal(Call(u, "StackLocal", 4), Call(w, "StackLocal", 4));
        // The field's own rule still applies.
        using var _ = PolicyScope.Install(Deny.Field(Module, "Elim.Pt::X"));
        Expect.Violation(() => Call(w, "StackLocal", 4), "Elim.Pt::X", "Elim.Cases::StackLocal(", "Eliminations.cs", Line("StackLocal"));
    }

    [Fact]
    public void A_store_through_a_ref_parameter_keeps_its_address_check_and_is_stopped_in_a_protected_range()
    {
        var stores = AssemblyInspector.Inspect(Build.Value.Woven, "Elim.Cases::ThroughRefParameter").Explained;
        var store = Assert.Single(stores, s => s.OpCode == "stfld");
        Assert.Equal(("StoreAddress+StoreField", "guarded"), (store.Checks, store.Reason));
        using var memory = new Native(64);
        var (_, w) = Pair();
        using var _ = DenyRegion("cell");
        Regions.ProtectRange(memory.At(0), 8, "cell");
        Expect.Violation(() => Call(w, "IntoUnmanaged", memory.At(0), 7), "cell", "Elim.Cases::ThroughRefParameter(",
            "Eliminations.cs", Line("RefParameter"));
        Assert.All(memory.Bytes(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void A_ref_local_is_checked_once_per_formation_and_each_formation_in_a_loop_is_checked()
    {
        var stores = AssemblyInspector.Inspect(Build.Value.Woven, "Elim.Cases::FillPoints");
        Assert.Contains(stores.Explained, s => s.Reason == "formation check");
        Assert.Equal(2, stores.Explained.Count(s => s.OpCode == "stfld" && s.Reason == "checked-at-formation" && s.Checks == "StoreField"));
        var (u, w) = Pair();
        Assert.Equal(Call(u, "FillPoints", 4, 10), Call(w, "FillPoints", 4, 10));
        // Elements 2 and 3 protected: the loop's third formation is stopped, the first two elements were written.
        var points = (Array)Reflect.Get(Reflect.Static(w, "Elim.Cases.Shared")!, "Points")!;
        Array.Clear(points);
        using var _ = DenyRegion("tail");
        Regions.ProtectElements(points, 2, 2, "tail");
        Expect.Violation(() => Call(w, "FillPoints", 4, 20), "tail", "Elim.Cases::FillPoints(", "Eliminations.cs", Line("FormationLoop") - 1);
        Assert.Equal(20, Reflect.Get(points.GetValue(0)!, "X"));
        Assert.Equal(21, Reflect.Get(points.GetValue(1)!, "X"));
        Assert.Equal(0, Reflect.Get(points.GetValue(2)!, "X"));
    }

    [Fact]
    public void A_protection_registered_after_a_formation_applies_from_the_next_formation()
    {
        var (_, w) = Pair();
        var points = (Array)Reflect.Get(Reflect.Static(w, "Elim.Cases.Shared")!, "Points")!;
        Array.Clear(points);
        using var _ = DenyRegion("handed");
        Action<object> host = o => Regions.Protect(o, "handed");
        Expect.Violation(() => Call(w, "ProtectBetween", host, 5), "handed", "Elim.Cases::ProtectBetween(", "Eliminations.cs",
            Line("NextFormation") - 1);
        Assert.Equal((5, 5), ((int)Reflect.Get(points.GetValue(0)!, "X")!, (int)Reflect.Get(points.GetValue(0)!, "Y")!));
    }

    [Fact]
    public void A_pointer_local_whose_address_is_taken_keeps_its_address_checks()
    {
        var stores = AssemblyInspector.Inspect(Build.Value.Woven, "Elim.Cases::AddressTakenPointer").Explained;
        Assert.All(stores.Where(s => s.OpCode == "stfld"), s => Assert.Equal("StoreAddress+StoreField", s.Checks));
        using var memory = new Native(64);
        var (u, w) = Pair();
        Assert.Equal(Call(u, "AddressTakenPointer", memory.At(0), 3), Call(w, "AddressTakenPointer", memory.At(0), 3));
        memory.Fill(0);
        using var _ = DenyRegion("cell");
        Regions.ProtectRange(memory.At(0), 8, "cell");
        Expect.Violation(() => Call(w, "AddressTakenPointer", memory.At(0), 9), "cell", "Elim.Cases::AddressTakenPointer(",
            "Eliminations.cs", Line("AddressTaken"));
        Assert.All(memory.Bytes(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void Without_localsinit_no_local_is_trusted_to_have_been_checked()
    {
        var stores = AssemblyInspector.Inspect(Build.Value.Woven, "Elim.Cases::NoLocalsInit").Explained;
        Assert.Contains(stores, s => s.OpCode == "stfld");
        Assert.All(stores.Where(s => s.OpCode == "stfld"), s => Assert.Equal("StoreAddress+StoreField", s.Checks));
    }

    [Fact]
    public void The_verifier_rejects_an_eliminated_store_whose_local_has_an_unchecked_assignment()
    {
        var edited = EditWoven("formation-removed", method =>
        {
            // Remove the formation check in front of one stloc of a formed local: dup; sizeof; conv.u; ldc; ldc; h; call.
            var call = method.Body.Instructions.First(i => i.OpCode.Code == Code.Call
                && i.Operand is MethodReference { Name: "StoreAddress" } && i.Next.OpCode.Code is Code.Stloc or Code.Stloc_S
                    or Code.Stloc_0 or Code.Stloc_1 or Code.Stloc_2 or Code.Stloc_3);
            var first = call.Previous.Previous.Previous.Previous.Previous.Previous;
            for (var i = first; i != call.Next; i = i.Next) { i.OpCode = OpCodes.Nop; i.Operand = null; }
        });
        var result = GuardRuntime.Verification.ModuleVerifier.Default.Verify(edited);
        Assert.False(result.Accepted);
        Assert.Contains(result.Errors, e => e.Rule == "guard-missing" && e.Method == "Elim.Cases::FillPoints");
    }

    [Fact]
    public void The_verifier_rejects_a_frame_store_shape_whose_address_is_a_ref_parameter()
    {
        var edited = EditWoven("frame-forged", method =>
        {
            if (method.Name != "StackLocal") return;
            // ldloca of the struct local becomes ldarga of the int argument: still the frame, still accepted;
            // ldarg (a byref from the caller) is not, so that is the forgery.
            var address = method.Body.Instructions.First(i => i.OpCode.Code is Code.Ldloca or Code.Ldloca_S
                && i.Next.OpCode.Code is Code.Ldloc or Code.Ldloc_S or Code.Ldloc_0 or Code.Ldloc_1 or Code.Ldloc_2 or Code.Ldloc_3
                && i.Next.Next.OpCode.Code == Code.Stfld);
            address.OpCode = OpCodes.Ldarg;
            address.Operand = method.Parameters[0];
        }, "StackLocal");
        var result = GuardRuntime.Verification.ModuleVerifier.Default.Verify(edited);
        Assert.False(result.Accepted);
        Assert.Contains(result.Errors, e => e.Rule == "guard-missing" && e.Method == "Elim.Cases::StackLocal");
    }

    private static string EditWoven(string hint, Action<MethodDefinition> edit, string method = "FillPoints")
    {
        using var module = ModuleDefinition.ReadModule(new MemoryStream(File.ReadAllBytes(Build.Value.Woven)),
            new ReaderParameters { ReadingMode = ReadingMode.Immediate });
        var body = module.GetType("Elim.Cases").Methods.Single(m => m.Name == method);
        edit(body);
        var path = Path.Combine(SnippetCompiler.NewDirectory(hint), Path.GetFileName(Build.Value.Woven));
        module.Write(path);
        return path;
    }
}
