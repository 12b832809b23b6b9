using GuardRuntime;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests;

/// <summary>
/// <c>cpobj</c>: Roslyn never emits it, so the test compiles a snippet and replaces two bodies with Mono.Cecil by
/// <c>ldarg.0; ldarg.1; cpobj Pair; ret</c> (a copy through pointers and one through refs), then weaves and runs it.
/// </summary>
[Collection(GuardStateCollection.Name)]
public unsafe class CpobjTests
{
    private const string Source = """
        namespace Cp
        {
            public struct Pair { public long A; public long B; }
            public static unsafe class Copier
            {
                public static void Copy(nint dst, nint src) { *(Pair*)dst = *(Pair*)src; }
                public static void CopyRef(ref Pair dst, ref Pair src) { dst = src; }
                public static Pair Held;
                public static long CopyToHeld(int a, long b) { var p = new Pair { A = a, B = b }; CopyRef(ref Held, ref p); return Held.A + Held.B; }
            }
        }
        """;

    private static readonly Lazy<(string Unwoven, string Woven)> Build = new(() =>
    {
        var compiled = SnippetCompiler.Compile(Source, "CpobjSample");
        var unwoven = Path.Combine(SnippetCompiler.NewDirectory("cpobj"), "CpobjSample.dll");
        using (var module = ModuleDefinition.ReadModule(new MemoryStream(File.ReadAllBytes(compiled))))
        {
            var copier = module.GetType("Cp.Copier");
            var pair = module.GetType("Cp.Pair");
            foreach (var method in copier.Methods.Where(m => m.Name is "Copy" or "CopyRef"))
            {
                method.Body.Instructions.Clear();
                method.Body.Variables.Clear();
                var il = method.Body.GetILProcessor();
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldarg_1);
                il.Emit(OpCodes.Cpobj, pair);
                il.Emit(OpCodes.Ret);
            }
            module.Write(unwoven);
        }
        return (unwoven, Woven.Weave(unwoven));
    });

    [Fact]
    public void Cpobj_is_guarded_copies_the_same_and_a_deny_stops_it()
    {
        var (unwovenPath, wovenPath) = Build.Value;
        using (var woven = ModuleDefinition.ReadModule(wovenPath))
        using (var unwovenModule = ModuleDefinition.ReadModule(unwovenPath))
            foreach (var name in new[] { "Copy", "CopyRef" })
            {
                Expect.IL(unwovenModule.GetType("Cp.Copier").Methods.Single(m => m.Name == name), Code.Cpobj, "Cp.Pair");
                var method = woven.GetType("Cp.Copier").Methods.Single(m => m.Name == name);
                // cpobj becomes ldobj + guarded stobj of the same type.
                Expect.Guarded(method, Code.Stobj, "StoreAddress");
                Expect.IL(method, Code.Ldobj, "Cp.Pair");
            }

        var unwoven = Woven.Load(unwovenPath);
        var wovenAssembly = Woven.Load(wovenPath);
        Assert.Equal(12L + 30, Woven.Call(unwoven, "Cp.Copier.CopyToHeld", 12, 30L));
        Assert.Equal(12L + 30, Woven.Call(wovenAssembly, "Cp.Copier.CopyToHeld", 12, 30L));

        using var source = new Native(16);
        using var expected = new Native(16);
        using var actual = new Native(32);
        source.Fill(0x77);
        *(long*)source.At(0) = 0x11223344;
        *(long*)source.At(8) = 0x5566778899AABBCC;
        Woven.Call(unwoven, "Cp.Copier.Copy", expected.At(0), source.At(0));
        Woven.Call(wovenAssembly, "Cp.Copier.Copy", actual.At(0), source.At(0));
        Assert.Equal(expected.Bytes(), actual.Bytes()[..16]);
        Assert.Equal(0x5566778899AABBCC, BitConverter.ToInt64(actual.Bytes(), 8));

        using var _ = PolicyScope.Install(Deny.Region("CpobjSample", "dest"));
        Regions.ProtectRange(actual.At(16), 16, "dest");
        var snapshot = actual.Bytes();
        var e = Expect.Violation(() => Woven.Call(wovenAssembly, "Cp.Copier.Copy", actual.At(8), source.At(0)), "region 'dest'", "Cp.Copier::Copy(", null, 0);
        Assert.Contains("+16,", e.Message);
        Assert.Equal(snapshot, actual.Bytes());
        Woven.Call(wovenAssembly, "Cp.Copier.Copy", actual.At(0), source.At(0)); // ends right before the region: allowed
    }

    [Fact]
    public void Woven_cpobj_passes_verify()
    {
        var r = WeaverCli.Run("verify", Build.Value.Woven);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains(" 0 failed", r.Out);
    }
}
