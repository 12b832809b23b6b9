using System.Collections.Concurrent;
using GuardRuntime.Verification;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Pipeline;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.Verification;

/// <summary>
/// Attacks on a woven module by editing its IL after weaving (Cecil), as an attacker who ships the file can. Each
/// case is a real module under Verification/Cases, woven and first shown accepted, so every rejection is the edit's;
/// each attack is then rejected with the rule, the method and the IL offset that name it.
/// </summary>
public class TamperTests
{
    private static readonly string CasesDirectory = Path.Combine(AppContext.BaseDirectory, "Verification", "Cases");
    private static readonly string KernelHost = typeof(Kernel.KernelApi).Assembly.Location;
    private static readonly ConcurrentDictionary<string, string> WovenCases = new();

    // Compiles and weaves a case once; the untampered output must be accepted (the control for every attack).
    internal static string Woven(string name) => WovenCases.GetOrAdd(name, static name =>
    {
        var dll = SnippetCompiler.CompileFiles([Path.Combine(CasesDirectory, name + ".cs")], "Tamper" + name,
            extraReferences: name == "HostCalls" ? [KernelHost] : null);
        var output = Path.Combine(Path.GetDirectoryName(dll)!, "woven", Path.GetFileName(dll));
        var result = new WeavePipeline().Run(new WeaveOptions
        {
            InputPath = dll, OutputPath = output, ReferencePaths = [AppContext.BaseDirectory],
        });
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var verdict = ModuleVerifier.Default.Verify(output);
        Assert.True(verdict.Accepted, string.Join("\n", verdict.Errors));
        return output;
    });

    // Edits method `type::method` of a copy of the woven case; `edit` returns the instruction the error must name.
    private static (VerificationResult Result, string Method, int Offset) Tamper(string @case, string type, string method,
        Func<MethodDefinition, ModuleDefinition, Instruction> edit)
    {
        var woven = Woven(@case);
        using var module = ModuleDefinition.ReadModule(new MemoryStream(File.ReadAllBytes(woven)),
            new ReaderParameters { ReadingMode = ReadingMode.Immediate });
        var m = module.GetType(type).Methods.Single(x => x.Name == method);
        var at = edit(m, module);
        var path = Path.Combine(SnippetCompiler.NewDirectory("tampered"), Path.GetFileName(woven));
        module.Write(path); // Cecil assigns the offsets as it writes
        return (ModuleVerifier.Default.Verify(path), type + "::" + method, at.Offset);
    }

    // The error with `rule`, at exactly that method and offset, in the module's own name.
    private static VerificationError Rejected((VerificationResult Result, string Method, int Offset) t, string rule)
    {
        Assert.False(t.Result.Accepted);
        var error = Assert.Single(t.Result.Errors, e => e.Rule == rule && e.Method == t.Method && e.ILOffset == t.Offset);
        Assert.Equal(t.Result.Module, error.Module);
        Assert.StartsWith($"{error.Module}: {t.Method} at IL_{t.Offset:x4}: rule {rule}: ", error.ToString());
        return error;
    }

    private static bool IsGuard(Instruction i, string check) =>
        i.OpCode.Code == Code.Call && i.Operand is MethodReference { DeclaringType.Name: "Guard" } m && m.Name == check;

    private static bool Calls(Instruction i, string name) =>
        i.OpCode.Code is Code.Call or Code.Callvirt && i.Operand is MethodReference m && m.Name == name
        && m.DeclaringType.Name != "Guard";

    private static Instruction First(MethodDefinition m, Func<Instruction, bool> where) => m.Body.Instructions.First(where);

    private static void Nop(params Instruction[] instructions)
    {
        foreach (var i in instructions) { i.OpCode = OpCodes.Nop; i.Operand = null; }
    }

    // The guard check call closest before `target`.
    private static Instruction CheckBefore(Instruction target, string check)
    {
        var i = target.Previous;
        while (!IsGuard(i, check)) i = i.Previous;
        return i;
    }

    // ldc tid; ldc sid; handle; call: the four instructions of one check, and the operands before it up to `stop`.
    private static void RemoveCheck(Instruction call, Func<Instruction, bool> isOperandStart)
    {
        var first = call.Previous.Previous.Previous;
        var operand = first.Previous;
        Nop(first, first.Next, first.Next.Next, call);
        while (!isOperandStart(operand)) { var previous = operand.Previous; Nop(operand); operand = previous; }
        Nop(operand);
    }

    [Fact]
    public void One_guard_removed()
    {
        var t = Tamper("Stores", "Tamper.Counter", "Set", (m, _) =>
        {
            var store = First(m, i => i.OpCode.Code == Code.Stfld);
            var check = CheckBefore(store, "StoreField");
            Nop(check.Previous.Previous.Previous.Previous, check.Previous.Previous.Previous, check.Previous.Previous,
                check.Previous, check); // dup; ldc tid; ldc sid; handle; call
            return store;
        });
        Assert.Contains("stfld Tamper.Counter::Value", Rejected(t, "guard-missing").Message);
    }

    [Fact]
    public void A_site_id_out_of_range()
    {
        Instruction? check = null;
        var t = Tamper("Stores", "Tamper.Counter", "Add", (m, _) =>
        {
            check = CheckBefore(First(m, i => i.OpCode.Code == Code.Stsfld), "StoreStatic");
            var sid = check.Previous.Previous;
            sid.OpCode = OpCodes.Ldc_I4;
            sid.Operand = 999_999;
            return check;
        });
        Assert.Contains("site id 999999 is out of the manifest's range", Rejected(t, "id-range").Message);
    }

    [Fact]
    public void A_target_id_of_minus_one_written_as_ldc_i4_m1()
    {
        var t = Tamper("Stores", "Tamper.Counter", "Add", (m, _) =>
        {
            var check = CheckBefore(First(m, i => i.OpCode.Code == Code.Stsfld), "StoreStatic");
            var tid = check.Previous.Previous.Previous;
            tid.OpCode = OpCodes.Ldc_I4_M1; // the short form the decoder once read as 65535
            tid.Operand = null;
            return check;
        });
        Assert.Contains("Target id -1 ", Rejected(t, "id-range").Message);
    }

    [Fact]
    public void A_branch_into_the_gap_between_a_guard_and_its_store()
    {
        var t = Tamper("Stores", "Tamper.Counter", "Add", (m, _) =>
        {
            var store = First(m, i => i.OpCode.Code == Code.Stsfld);
            var il = m.Body.GetILProcessor();
            var start = m.Body.Instructions[0];
            // The store is reached from the method's start with the value on the stack, skipping its guard.
            il.InsertBefore(start, il.Create(OpCodes.Ldc_I4_0));
            il.InsertBefore(start, il.Create(OpCodes.Ldc_I4_0));
            il.InsertBefore(start, il.Create(OpCodes.Brtrue, store));
            il.InsertBefore(start, il.Create(OpCodes.Pop));
            return store;
        });
        Assert.Contains("inside the guard", Rejected(t, "guard-bypassable").Message);
    }

    [Fact]
    public void A_guard_kept_but_its_argument_replaced()
    {
        var t = Tamper("Stores", "Tamper.Counter", "Set", (m, _) =>
        {
            var store = First(m, i => i.OpCode.Code == Code.Stfld);
            var dup = CheckBefore(store, "StoreField").Previous.Previous.Previous.Previous;
            Assert.Equal(Code.Dup, dup.OpCode.Code);
            dup.OpCode = OpCodes.Ldnull; // the guard now checks null; the store still writes the real receiver
            return store;
        });
        Rejected(t, "guard-missing");
    }

    [Fact]
    public void A_pointer_store_checked_narrower_than_it_writes()
    {
        var t = Tamper("Stores", "Tamper.Counter", "Poke", (m, _) =>
        {
            var store = First(m, i => i.OpCode.Code == Code.Stind_I4);
            var width = CheckBefore(store, "StoreAddress").Previous.Previous.Previous.Previous.Previous; // ldc 4; conv.u
            Assert.Equal(Code.Ldc_I4_4, width.OpCode.Code);
            width.OpCode = OpCodes.Ldc_I4_1;
            return store;
        });
        Rejected(t, "guard-missing");
    }

    [Theory]
    [InlineData("CopyArray", "Copy", "StoreElements", "StoreElements(a1 0 conv.i a2 conv.i)")]
    [InlineData("CopySpan", "CopyTo", "StoreSpan", "StoreSpan<System.Int32>(a0)")]
    [InlineData("CopyToNative", "Copy", "StoreAddress", "StoreAddress(a2 a3 conv.u)")]
    public void A_call_check_removed_before_a_framework_writer(string method, string callee, string check, string required)
    {
        var t = Tamper("FrameworkWriters", "Tamper.Writers", method, (m, _) =>
        {
            var call = First(m, i => Calls(i, callee));
            RemoveCheck(CheckBefore(call, check), i => i.OpCode.Code is Code.Ldloc or Code.Ldloc_S or Code.Ldloc_0
                or Code.Ldloc_1 or Code.Ldloc_2 or Code.Ldloc_3 && (i.Previous.OpCode.Code.ToString().StartsWith("Stloc")
                    || IsGuard(i.Previous, "StoreElements") || IsGuard(i.Previous, "StoreSpan") || IsGuard(i.Previous, "StoreAddress")));
            return call;
        });
        var error = Rejected(t, "guard-missing");
        Assert.Contains(required, error.Message);
        Assert.Contains("framework-effects.txt line", error.Message);
    }

    [Fact]
    public void A_receiver_check_removed_before_Span_Clear()
    {
        var t = Tamper("FrameworkWriters", "Tamper.Writers", "ClearSpan", (m, _) =>
        {
            var call = First(m, i => Calls(i, "Clear"));
            RemoveCheck(CheckBefore(call, "StoreSpan"), i => i.OpCode.Code == Code.Dup);
            return call;
        });
        Assert.Contains("StoreSpan<System.Byte>(this ldobj:System.Span`1<System.Byte>)", Rejected(t, "guard-missing").Message);
    }

    [Fact]
    public void A_host_call_with_its_call_check_removed()
    {
        var t = Tamper("HostCalls", "Tamper.HostUser", "CanAdmin", (m, _) =>
        {
            var call = First(m, i => Calls(i, "Has"));
            var check = CheckBefore(call, "Call");
            Nop(check.Previous.Previous.Previous, check.Previous.Previous, check.Previous, check);
            return call;
        });
        Assert.Contains("not preceded by Guard.Call", Rejected(t, "guard-missing").Message);
    }

    [Fact]
    public void A_host_call_retargeted_to_a_member_the_host_does_not_export_despite_a_forged_attribute()
    {
        var t = Tamper("HostCalls", "Tamper.HostUser", "CanAdmin", (m, module) =>
        {
            // The module defines GuardRuntime.ModuleExportAttribute and carries it; the host's Root() is not exported.
            Assert.Contains(m.CustomAttributes, a => a.AttributeType.FullName == "GuardRuntime.ModuleExportAttribute");
            var call = First(m, i => Calls(i, "Has"));
            call.Operand = module.ImportReference(typeof(Kernel.Credentials).GetMethod(nameof(Kernel.Credentials.Root)));
            return call;
        });
        Assert.Contains("Kernel.Credentials::Root is a member of the host assembly 'Kernel.Host' that the host does not export",
            Rejected(t, "call-refused").Message);
    }

    [Fact]
    public void A_host_call_to_an_overload_the_host_does_not_have_is_matched_by_full_signature_not_by_name()
    {
        var t = Tamper("HostCalls", "Tamper.HostUser", "CanAdmin", (m, module) =>
        {
            var call = First(m, i => Calls(i, "Has"));
            var has = (MethodReference)call.Operand;
            var forged = new MethodReference("Has", has.ReturnType, has.DeclaringType) { HasThis = true };
            forged.Parameters.Add(new ParameterDefinition(module.TypeSystem.Int32)); // Has(int): no such export
            call.Operand = forged;
            return call;
        });
        Assert.Contains("does not export", Rejected(t, "call-refused").Message);
    }

    [Fact]
    public void A_delegate_to_a_checked_framework_writer()
    {
        var t = Tamper("FrameworkWriters", "Tamper.Writers", "Read", (m, module) =>
        {
            var il = m.Body.GetILProcessor();
            var start = m.Body.Instructions[0];
            var copy = module.ImportReference(typeof(Array).GetMethod(nameof(Array.Copy), [typeof(Array), typeof(Array), typeof(int)]));
            var ldftn = il.Create(OpCodes.Ldftn, copy);
            il.InsertBefore(start, ldftn);
            il.InsertBefore(start, il.Create(OpCodes.Pop));
            return ldftn;
        });
        Assert.Contains("StoreElements(a1 0 conv.i a2 conv.i)", Rejected(t, "delegate-unchecked").Message);
    }

    [Fact]
    public void A_calli_through_a_function_pointer()
    {
        var t = Tamper("FrameworkWriters", "Tamper.Writers", "Read", (m, module) =>
        {
            var il = m.Body.GetILProcessor();
            var start = m.Body.Instructions[0];
            var calli = il.Create(OpCodes.Calli, new CallSite(module.TypeSystem.Void));
            il.InsertBefore(start, il.Create(OpCodes.Ldc_I4_0));
            il.InsertBefore(start, il.Create(OpCodes.Conv_I));
            il.InsertBefore(start, calli);
            return calli;
        });
        Rejected(t, "refused");
    }

    [Fact]
    public void A_type_confusing_framework_call_inserted_after_weaving()
    {
        var t = Tamper("FrameworkWriters", "Tamper.Writers", "Read", (m, module) =>
        {
            var il = m.Body.GetILProcessor();
            var start = m.Body.Instructions[0];
            var unsafeAs = typeof(System.Runtime.CompilerServices.Unsafe).GetMethods()
                .Single(x => x.Name == "As" && x.GetGenericArguments().Length == 1).MakeGenericMethod(typeof(string));
            var call = il.Create(OpCodes.Call, module.ImportReference(unsafeAs));
            il.InsertBefore(start, il.Create(OpCodes.Ldarg_0));
            il.InsertBefore(start, call);
            il.InsertBefore(start, il.Create(OpCodes.Pop));
            return call;
        });
        Assert.Contains("reinterprets an object as another type", Rejected(t, "call-refused").Message);
    }

    [Fact]
    public void A_multidimensional_array_store_inserted_after_weaving()
    {
        var t = Tamper("FrameworkWriters", "Tamper.Writers", "Read", (m, module) =>
        {
            var il = m.Body.GetILProcessor();
            var start = m.Body.Instructions[0];
            var array = new ArrayType(module.TypeSystem.Int32, 2);
            var set = new MethodReference("Set", module.TypeSystem.Void, array) { HasThis = true };
            foreach (var _ in new[] { 0, 1, 2 }) set.Parameters.Add(new ParameterDefinition(module.TypeSystem.Int32));
            var call = il.Create(OpCodes.Call, set);
            foreach (var i in new[] { il.Create(OpCodes.Ldnull), il.Create(OpCodes.Ldc_I4_0), il.Create(OpCodes.Ldc_I4_0),
                         il.Create(OpCodes.Ldc_I4_0), call })
                il.InsertBefore(start, i);
            return call;
        });
        Assert.Contains("StoreObject(this)", Rejected(t, "guard-missing").Message);
    }

    [Fact]
    public void A_reference_to_the_runtime_s_host_base_type()
    {
        var woven = Woven("Stores");
        using var module = ModuleDefinition.ReadModule(new MemoryStream(File.ReadAllBytes(woven)));
        var local = new VariableDefinition(module.ImportReference(typeof(GuardRuntime.CompiledChecks)));
        module.GetType("Tamper.Counter").Methods.Single(x => x.Name == "Set").Body.Variables.Add(local);
        var path = Path.Combine(SnippetCompiler.NewDirectory("tampered"), Path.GetFileName(woven));
        module.Write(path);
        var result = ModuleVerifier.Default.Verify(path);
        Assert.Contains(result.Errors, e => e.Rule == "abi-nonmember" && e.Message.Contains("GuardRuntime.CompiledChecks"));
    }

    [Fact]
    public void A_call_into_the_host_runtime_s_control_API_inserted_after_weaving()
    {
        var woven = Woven("Stores");
        using var module = ModuleDefinition.ReadModule(new MemoryStream(File.ReadAllBytes(woven)));
        var set = module.GetType("Tamper.Counter").Methods.Single(x => x.Name == "Set");
        var il = set.Body.GetILProcessor();
        var start = set.Body.Instructions[0];
        // GuardRuntime.GuardPolicies.Install: the host's own switch for every module's policy.
        var install = typeof(GuardRuntime.GuardPolicies).GetMethods().First(x => x.Name == "Install");
        il.InsertBefore(start, il.Create(OpCodes.Ldnull));
        il.InsertBefore(start, il.Create(OpCodes.Call, module.ImportReference(install)));
        var path = Path.Combine(SnippetCompiler.NewDirectory("tampered"), Path.GetFileName(woven));
        module.Write(path);
        var result = ModuleVerifier.Default.Verify(path);
        var error = Assert.Single(result.Errors, e => e.Rule == "host-reference");
        Assert.Null(error.Method);
        Assert.Contains("'GuardRuntime'", error.Message);
    }
}
