using GuardRuntime.Verification;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;
using Weaver.Engine.Inspection;
using Weaver.Engine.Pipeline;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Verification;

/// <summary>
/// The host's load-time verifier against tampered modules (each rejected with the rule, method and offset that
/// name the tampering) and against every woven file of the tests (each accepted, and counted as the inspector does).
/// </summary>
public class VerifierTests
{
    private const string Memoized = """
        using KcrRuntime;
        namespace $NS$;
        public static class Kernels
        {
            public static int Seed;
            [Memoize] public static int Mix(int x) => x * 31 + Seed;
            public static void SetSeed(int s) => Seed = s;
        }
        """;

    private static VerificationResult Verify(string path) => ModuleVerifier.Default.Verify(path);

    private static VerificationError Single(VerificationResult result, string rule)
    {
        Assert.False(result.Accepted);
        var error = Assert.Single(result.Errors, e => e.Rule == rule);
        Assert.Equal(result.Module, error.Module);
        return error;
    }

    // Edits a copy of a woven file with Cecil and returns the new path.
    private static string Edit(string woven, string hint, Action<ModuleDefinition> edit)
    {
        using var module = ModuleDefinition.ReadModule(new MemoryStream(File.ReadAllBytes(woven)), new ReaderParameters { ReadingMode = ReadingMode.Immediate });
        edit(module);
        var path = Path.Combine(SnippetCompiler.NewDirectory(hint), Path.GetFileName(woven));
        module.Write(path);
        return path;
    }

    private static bool IsCheck(Instruction i, string name) =>
        i.OpCode.Code == Code.Call && i.Operand is MethodReference { DeclaringType.Name: "Guard" } m && m.Name == name;

    // The first guard `ldc tid; ldc sid; handle; call StoreStatic` directly before an stsfld, in a method of the module.
    private static (MethodDefinition Method, Instruction Call) FirstStaticGuard(ModuleDefinition module) =>
        module.GetTypes().Where(t => t.Name != "<WeaverGuard>").SelectMany(t => t.Methods).Where(m => m.HasBody)
            .SelectMany(m => m.Body.Instructions.Where(i => IsCheck(i, "StoreStatic") && i.Next.OpCode.Code == Code.Stsfld).Select(i => (m, i)))
            .First();

    [Fact]
    public void Every_fully_woven_sample_is_accepted_and_its_identity_recorded()
    {
        var result = Verify(StoreForms.Optimized.WovenPath);
        Assert.True(result.Accepted, string.Join("\n", result.Errors));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(StoreForms.Optimized.WovenPath))), result.Sha256);
        Assert.True(result.GuardedStores > 10 && result.Methods > 0 && result.IlBytes > 0);
    }

    [Fact]
    public void An_unwoven_module_is_rejected_at_each_store()
    {
        var result = Verify(StoreForms.Optimized.UnwovenPath);
        Assert.False(result.Accepted);
        Assert.Equal(0, result.GuardedStores);
        Assert.Equal(AssemblyInspector.Inspect(StoreForms.Optimized.UnwovenPath).Unguarded.Count, result.UnguardedStores);
        Assert.True(result.Errors.Count(e => e.Rule == "guard-missing" && e.ILOffset is not null && e.Method is not null) >= result.UnguardedStores);
        Assert.Contains(result.Errors, e => e.ToString().StartsWith($"{result.Module}: ", StringComparison.Ordinal) && e.ToString().Contains(" at IL_") && e.ToString().Contains("rule guard-missing"));
    }

    [Fact]
    public void A_forged_marker_on_an_unwoven_module_is_an_error_not_a_no_op()
    {
        var forged = Edit(StoreForms.Optimized.UnwovenPath, "forged-marker", module =>
        {
            var ctor = module.ImportReference(typeof(System.Reflection.AssemblyMetadataAttribute).GetConstructor([typeof(string), typeof(string)]));
            var attribute = new CustomAttribute(ctor);
            attribute.ConstructorArguments.Add(new CustomAttributeArgument(module.TypeSystem.String, "Weaver.Woven"));
            attribute.ConstructorArguments.Add(new CustomAttributeArgument(module.TypeSystem.String, "version=0.1.0;options=x;guards=all"));
            module.Assembly.CustomAttributes.Add(attribute);
        });
        Assert.Contains(Verify(forged).Errors, e => e.Rule == "guard-missing");
        var output = Path.Combine(SnippetCompiler.NewDirectory("forged-out"), "StoreForms.dll");
        var r = WeaverCli.Run("weave", forged, "-o", output);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("error WVR0304", r.All);
        Assert.Contains("rule guard-missing", r.All);
        Assert.DoesNotContain("WVR0100", r.All);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void A_woven_module_with_one_guard_removed_is_rejected_at_that_store()
    {
        int offset = -1;
        string method = "";
        var edited = Edit(StoreForms.Optimized.WovenPath, "guard-removed", module =>
        {
            var (m, call) = FirstStaticGuard(module);
            var il = m.Body.GetILProcessor();
            var first = call.Previous.Previous.Previous;
            foreach (var i in new[] { first, first.Next, first.Next.Next, call }) { i.OpCode = OpCodes.Nop; i.Operand = null; }
            m.Body.OptimizeMacros();
            method = m.DeclaringType.FullName.Replace('/', '+') + "::" + m.Name;
            offset = call.Next.Offset;
        });
        var error = Single(Verify(edited), "guard-missing");
        Assert.Equal(method, error.Method);
        Assert.Equal(offset, error.ILOffset);
        Assert.Contains("stsfld", error.Message);
        var cli = WeaverCli.Run("verify", "--guards", edited);
        Assert.Equal(3, cli.ExitCode);
        Assert.Contains($"{edited}: error WVR0303: ", cli.Err);
        Assert.Contains("rule guard-missing", cli.Err);
    }

    [Fact]
    public void A_guard_with_an_out_of_range_id_is_rejected()
    {
        var edited = Edit(StoreForms.Optimized.WovenPath, "id-range", module =>
        {
            var (_, call) = FirstStaticGuard(module);
            call.Previous.Previous.Previous.OpCode = OpCodes.Ldc_I4;
            call.Previous.Previous.Previous.Operand = 999_999;
        });
        var error = Single(Verify(edited), "id-range");
        Assert.Contains("Target id 999999", error.Message);
    }

    [Fact]
    public void A_guard_whose_target_id_names_another_field_is_rejected()
    {
        var edited = Edit(StoreForms.Optimized.WovenPath, "id-other-field", module =>
        {
            var (_, call) = FirstStaticGuard(module);
            var tid = call.Previous.Previous.Previous;
            var mine = tid.OpCode.Code switch { Code.Ldc_I4 => (int)tid.Operand, Code.Ldc_I4_S => (sbyte)tid.Operand, var c => c - Code.Ldc_I4_0 };
            var manifest = GuardRuntime.GuardManifest.FromBytes(module.Resources.OfType<EmbeddedResource>().Single(r => r.Name == GuardRuntime.GuardManifest.ResourceName).GetResourceData());
            var other = manifest.Targets.First(t => t.Kind == GuardRuntime.TargetKind.StaticField && t.Id != mine);
            tid.OpCode = OpCodes.Ldc_I4;
            tid.Operand = other.Id;
        });
        var result = Verify(edited);
        Assert.Contains(result.Errors, e => e.Rule == "id-mismatch" && e.Message.Contains("StaticField") && e.ILOffset is not null);
    }

    [Fact]
    public void A_store_whose_guard_can_be_jumped_over_is_rejected()
    {
        var edited = Edit(StoreForms.Optimized.WovenPath, "branch-into-gap", module =>
        {
            var (m, call) = FirstStaticGuard(module);
            var il = m.Body.GetILProcessor();
            var first = m.Body.Instructions[0];
            // The store is moved after its guard by a nop, and a branch from the method's start lands on the nop.
            var gap = il.Create(OpCodes.Nop);
            il.InsertAfter(call, gap);
            var store = gap.Next;
            il.Remove(gap);
            il.InsertBefore(first, il.Create(OpCodes.Ldc_I4_0));
            il.InsertBefore(first, il.Create(OpCodes.Brtrue, store));
        });
        var error = Single(Verify(edited), "guard-bypassable");
        Assert.Contains("inside the guard", error.Message);
    }

    [Fact]
    public void A_module_calling_the_guard_ABI_itself_is_rejected()
    {
        Instruction? forged = null;
        var edited = Edit(StoreForms.Optimized.WovenPath, "abi-call", module =>
        {
            var (m, call) = FirstStaticGuard(module);
            var il = m.Body.GetILProcessor();
            var first = m.Body.Instructions[0];
            var holder = module.Types.Single(t => t.Name == "<WeaverGuard>").Fields.Single();
            forged = il.Create(OpCodes.Call, (MethodReference)call.Operand);
            foreach (var i in new[] { il.Create(OpCodes.Ldc_I4_0), il.Create(OpCodes.Ldc_I4_0), il.Create(OpCodes.Ldsfld, holder), forged })
                il.InsertBefore(first, i);
        });
        var error = Single(Verify(edited), "abi-forged");
        Assert.Equal(forged!.Offset, error.ILOffset); // Cecil assigned the offsets when it wrote the file
    }

    [Fact]
    public void A_handle_that_is_not_the_modules_own_is_rejected()
    {
        var edited = Edit(StoreForms.Optimized.WovenPath, "foreign-handle", module =>
        {
            var (m, call) = FirstStaticGuard(module);
            var handle = call.Previous;
            var local = new VariableDefinition(module.Types.Single(t => t.Name == "<WeaverGuard>").Fields.Single().FieldType);
            m.Body.Variables.Add(local);
            var il = m.Body.GetILProcessor();
            var first = m.Body.Instructions[0];
            il.InsertBefore(first, il.Create(OpCodes.Ldnull));
            il.InsertBefore(first, il.Create(OpCodes.Stloc, local));
            handle.OpCode = OpCodes.Ldloc;
            handle.Operand = local;
        });
        var error = Single(Verify(edited), "handle-forged");
        Assert.Contains("<WeaverGuard>::Module", error.Message);
    }

    [Fact]
    public void A_memo_call_on_a_table_obtained_elsewhere_is_rejected()
    {
        var build = Memoize.MemoBuild.Create(Memoized, "VerifyMemo", GuardKinds.All);
        Assert.True(Verify(build.WovenPath).Accepted);
        var edited = Edit(build.WovenPath, "memo-forged", module =>
        {
            var type = module.GetTypes().Single(t => t.Name == "Kernels");
            var table = type.Fields.Single(f => f.Name.StartsWith("__kcr_", StringComparison.Ordinal) && !f.Name.StartsWith("__kcr_slot_", StringComparison.Ordinal));
            var elsewhere = new FieldDefinition("Elsewhere", FieldAttributes.Public | FieldAttributes.Static, table.FieldType);
            type.Fields.Add(elsewhere);
            var wrapper = type.Methods.Single(m => m.Name == "Mix");
            var tryGet = wrapper.Body.Instructions.First(i => i.OpCode.Code == Code.Call && ((MethodReference)i.Operand).Name == "TryGet");
            var load = tryGet;
            for (int n = ((MethodReference)tryGet.Operand).Parameters.Count; n >= 0; n--) load = load.Previous; // the receiver
            Assert.Equal(Code.Ldsfld, load.OpCode.Code);
            load.Operand = elsewhere;
        });
        var result = Verify(edited);
        Assert.False(result.Accepted);
        var error = Assert.Single(result.Errors, e => e.Rule == "memo-forged" && e.Message.Contains("(TableUse)"));
        Assert.EndsWith("Kernels::Mix", error.Method);
        Assert.All(result.Errors, e => Assert.Equal("memo-forged", e.Rule));
    }

    [Fact]
    public void The_verifier_and_the_inspector_agree_on_every_woven_file()
    {
        var programs = Woven.Weave(SnippetCompiler.Compile(ProgramsSource.Text, "ProgramsAgree", optimize: true));
        var memo = Memoize.MemoBuild.Create(Memoized, "AgreeMemo", GuardKinds.All).WovenPath;
        string[] files;
        lock (Woven.All) files = [.. Woven.All.Distinct(), StoreForms.Optimized.WovenPath, StoreForms.Unoptimized.WovenPath, programs, memo];
        foreach (var file in files.Distinct())
        {
            var inspected = AssemblyInspector.Inspect(file);
            var verified = Verify(file);
            Assert.True(inspected.GuardedByOpcode.Values.Sum() == verified.GuardedStores, $"{file}: guarded {inspected.GuardedByOpcode.Values.Sum()} vs {verified.GuardedStores}");
            Assert.True(inspected.Unguarded.Count == verified.UnguardedStores, $"{file}: unguarded {inspected.Unguarded.Count} vs {verified.UnguardedStores}");
        }
    }
}
