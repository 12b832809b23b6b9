using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;
using GuardRuntime.Effects;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Escapes;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// Closes the ways a module can write without a store instruction of its own: library calls that write for it
/// (checked by destination, from the framework effect model), <c>ref</c>/<c>out</c> arguments to external methods
/// (checked by address), and calls into the host (checked against the policy's call rules). What no guard can check
/// (reflection writes, code generation, loading unwoven code, P/Invoke, <c>calli</c>, typed references) is refused.
/// </summary>
public sealed class EscapeHatchStep : IWeaveStep
{
    /// <inheritdoc/>
    public void Run(WeaveContext context)
    {
        if (context.Guards is not { } guard) return;
        var module = context.Module;
        foreach (var type in module.GetTypes().ToList())
        {
            if (type == guard.ModuleField.DeclaringType) continue;
            RefuseOverlappingReferences(context, type);
            foreach (var method in type.Methods)
            {
                if (method.IsPInvokeImpl)
                    Refusals.Report(context, method, 0, $"declares a P/Invoke to '{method.PInvokeInfo?.Module?.Name}!{method.PInvokeInfo?.EntryPoint ?? method.Name}'", "native code can write anywhere", method.Name);
                if (method.HasBody) RefuseWritableReadOnly(context, method);
                if (method.HasBody) Rewrite(context, guard, method);
            }
        }
    }

    private static void Rewrite(WeaveContext context, GuardContext guard, MethodDefinition method)
    {
        var body = method.Body;
        var work = new List<(Instruction Call, CallChecks Checks)>();
        foreach (var instruction in body.Instructions)
        {
            switch (instruction.OpCode.Code)
            {
                case Code.Calli:
                    Refuse(context, method, instruction, "calls through a function pointer (calli)", "the target is unknown and may be native code or unwoven IL", "calli");
                    break;
                case Code.Conv_U or Code.Conv_I when IsObjectSlotAddress(instruction.Previous):
                    Refuse(context, method, instruction, "takes a raw pointer to a slot holding an object reference (&obj)",
                        "the slot can then be read back as another type (*(Fake*)&obj), so field rules would see the wrong type", "&object-reference");
                    break;
                case Code.Mkrefany or Code.Refanyval:
                    Refuse(context, method, instruction, $"uses a typed reference ({instruction.OpCode.Name})", "writes through a TypedReference are not visible to the guard", instruction.OpCode.Name);
                    break;
                case Code.Call or Code.Callvirt or Code.Newobj when instruction.Operand is MethodReference callee && !IsRuntime(callee):
                    if (Classify(context, guard, method, instruction, callee) is { Any: true } checks) work.Add((instruction, checks));
                    break;
                // A delegate bound to a host method (Action<int> f = cred.SetUid) calls it later through Invoke, which
                // no call rule sees: check the call rules where the function pointer is taken.
                case Code.Ldftn or Code.Ldvirtftn when instruction.Operand is MethodReference target && !IsRuntime(target)
                                                      && ScopeOf(target.DeclaringType) is var s && s != guard.Module.Assembly.Name.Name && !IsFramework(s):
                    HostExports.Check(context, method, instruction, target); // deny-by-default: exported host methods only
                    work.Add((instruction, new CallChecks(null, HostCall: true)));
                    break;
                case Code.Ldftn or Code.Ldvirtftn when instruction.Operand is MethodReference target && !IsRuntime(target)
                                                      && IsFramework(ScopeOf(target.DeclaringType)):
                    RefuseCheckedDelegate(context, guard, method, instruction, target);
                    break;
            }
        }
        if (work.Count == 0) return;
        var lines = context.Original.LinesOf(method);
        body.SimplifyMacros();
        var scratch = new ScratchLocals(body);
        var name = TypeNames.Method(method);
        foreach (var (call, checks) in work)
        {
            var calleeName = call.Operand is MethodReference calleeRef ? TypeNames.Method(calleeRef) : call.OpCode.Name;
            var run = MethodGuardRewriter.WithPrefixes(call);
            var sequence = new CallGuardSequence(guard, method, scratch, call, run[..^1], lines).Build(checks);
            MethodGuardRewriter.Splice(body.GetILProcessor(), run, sequence);
            if (checks.Plan is { Writes.Count: > 0 }) guard.Report.CountGuard("call:" + calleeName, name);
            foreach (var _ in checks.Plan?.Byrefs ?? checks.HostByrefs ?? []) guard.Report.CountGuard("call:byref-argument", name);
            foreach (var _ in checks.Plan?.Objects ?? []) guard.Report.CountGuard("call:object", name);
            if (checks.HostCall) guard.Report.CountGuard("call:host", name);
        }
        body.OptimizeMacros();
    }

    // A delegate to a framework member (Action<Array, Array, int> f = Array.Copy) is invoked later through Invoke,
    // where no call check runs: a member whose direct call needs checks is refused where the delegate is made (a
    // refused member is refused by Classify itself), so the weave names the site instead of the verifier rejecting the
    // output as a weaver bug. Members whose calls need no check (pure readers) stay usable as delegates.
    private static void RefuseCheckedDelegate(WeaveContext context, GuardContext guard, MethodDefinition method,
                                              Instruction at, MethodReference target)
    {
        if (Classify(context, guard, method, at, target) is not { Any: true }) return;
        var api = $"{TypeNames.Reflection(target.DeclaringType)}::{target.Name}";
        Refuse(context, method, at, $"takes a delegate to {api}",
            "calls through the delegate would run without the checks its direct call needs; call the member directly "
            + "(the weaver checks it there) or wrap it in a method of the module", api);
    }

    // Strings and boxed values are immutable and shared: a writable address formed into one must only be read.
    private static void RefuseWritableReadOnly(WeaveContext context, MethodDefinition method)
    {
        foreach (var finding in ReadOnlyToWritable.Check(method, ReadsThrough))
            Refuse(context, method, finding.At, finding.What,
                "strings and boxed values are shared and immutable under every policy; read through the address only, or copy "
                + "the data into a buffer of the module's own", "readonly-to-writable");
    }

    // Whether a framework call only reads through argument 'index' (a reviewed reader of pointers, spans or 'in').
    private static bool ReadsThrough(MethodReference callee, int index)
    {
        if (IsRuntime(callee)) return true; // the guard checks the weaver emitted before a store read the address
        if (!IsFramework(ScopeOf(callee.DeclaringType))) return false;
        var parameter = callee.Parameters[index];
        if (EffectPlanner.IsReadOnly(parameter)) return true;
        if (parameter.ParameterType.GetElementType().FullName is "System.ReadOnlySpan`1") return true;
        var rule = EffectModel.Framework.Classify(TypeNames.Reflection(callee.DeclaringType), callee.Name, EffectSignature.Of(callee));
        return rule is { ReadsPointers: true } && parameter.ParameterType is PointerType
               // A reviewed row names every destination: its other parameters are read.
               || rule is { IsExact: true, Class: EffectClass.ReadOnly or EffectClass.WritesArguments } && rule.Extents.All(e => e.Dest != index);
    }

    private static CallChecks? Classify(WeaveContext context, GuardContext guard, MethodDefinition method, Instruction call, MethodReference callee)
    {
        var scope = ScopeOf(callee.DeclaringType);
        if (scope == guard.Module.Assembly.Name.Name) return null; // the module's own code is woven itself
        var typeName = TypeNames.Reflection(callee.DeclaringType);
        var api = $"{typeName}::{callee.Name}";
        if (!IsFramework(scope))
        {
            HostExports.Check(context, method, call, callee); // deny-by-default: exported host methods only
            // Host methods: the policy's call rules, and their writable byref arguments by address.
            var byrefs = Enumerable.Range(0, callee.Parameters.Count)
                .Where(i => callee.Parameters[i].ParameterType is ByReferenceType && !EffectPlanner.IsReadOnly(callee.Parameters[i]))
                .ToList();
            return new CallChecks(null, HostCall: true, byrefs);
        }
        if (TypeConfusion.WhyRefused(callee) is { } confusion)
        {
            Refuse(context, method, call, $"calls {api}", confusion, api);
            return null;
        }
        var plan = EffectPlanner.Plan(EffectModel.Framework, callee, i => GenericSubstitution.ParameterType(callee, i), call.OpCode.Code == Code.Newobj);
        if (plan.Refusal is { } why)
        {
            Refuse(context, method, call, $"calls {api}", why, api);
            return null;
        }
        var constrained = call.Previous is { OpCode.Code: Code.Constrained, Operand: TypeReference c } ? c : null;
        if (constrained is GenericParameter && plan.Objects.Contains(EffectExtent.This))
        {
            Refuse(context, method, call, $"calls {api} on a receiver of type parameter {constrained.Name}",
                "the effect model says the call may write its receiver, and a receiver of unknown type cannot be checked; "
                + "classify the member in src/GuardRuntime/Host/Effects/framework-effects.txt or call it on a concrete type", api);
            return null;
        }
        if (plan.Rule is null) guard.Report.CountGuard("call:unclassified " + api, TypeNames.Method(method));
        return new CallChecks(plan, HostCall: false);
    }

    // Fields of an explicit-layout type that overlap where either holds references (at any depth, a struct wrapping one
    // counts): writing one and reading the other forges a reference of any type, or a pointer, which field rules cannot see.
    private static void RefuseOverlappingReferences(WeaveContext context, TypeDefinition type)
    {
        if (TypeConfusion.OverlappingReferences(type) is not var (a, b)) return;
        const string api = "overlapping-references";
        Refusals.ReportDeclaration(context, api,
            $"{type.FullName} overlaps fields {a.Name} ({a.FieldType.Name}) and {b.Name} ({b.FieldType.Name}) at offsets "
            + $"{a.Offset}/{b.Offset}, and one of them holds object references: a reference seen as another type or as a "
            + "pointer escapes every field rule.", type.FullName);
    }

    // &obj on a variable of a reference type: ldloca/ldarga/ldflda/ldsflda/ldelema of a reference-typed slot, then conv.
    private static bool IsObjectSlotAddress(Instruction? previous)
    {
        TypeReference? slot = previous?.Operand switch
        {
            VariableDefinition local when previous.OpCode.Code is Code.Ldloca or Code.Ldloca_S => local.VariableType,
            ParameterDefinition parameter when previous.OpCode.Code is Code.Ldarga or Code.Ldarga_S => parameter.ParameterType,
            FieldReference field when previous.OpCode.Code is Code.Ldflda or Code.Ldsflda => field.FieldType,
            TypeReference element when previous.OpCode.Code is Code.Ldelema => element,
            _ => null,
        };
        if (slot is null or GenericParameter or PointerType or FunctionPointerType) return false;
        if (slot.IsArray || slot.MetadataType is MetadataType.String or MetadataType.Object or MetadataType.Class) return true;
        if (slot.IsPrimitive || slot.MetadataType == MetadataType.ValueType) return false;
        try { return slot.GetElementType().Resolve() is { IsValueType: false }; }
        catch (AssemblyResolutionException) { return false; }
    }

    private static bool IsRuntime(MethodReference callee) =>
        GuardRuntime.Abi.AbiDescriptor.IsRuntimeAssembly(ScopeOf(callee.DeclaringType));

    // One test of "the shared framework" and of a type's assembly for every step (the containment step's too).
    private static bool IsFramework(string? scope) => Framework.IsFramework(scope);

    private static string? ScopeOf(TypeReference type) => Framework.ScopeOf(type);

    private static void Refuse(WeaveContext context, MethodDefinition method, Instruction at, string what, string why, string api) =>
        Refusals.Report(context, method, at, what, why, api); // the weave fails at the end, with every refusal
}
