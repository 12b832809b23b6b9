using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Escapes;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// Closes the ways a module can write without a store instruction of its own: library calls that write for it
/// (checked by destination, from <see cref="WriteApiTable"/>), <c>ref</c>/<c>out</c> arguments to external methods
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
                    Refuse(context, method, 0, $"declares a P/Invoke to '{method.PInvokeInfo?.Module?.Name}!{method.PInvokeInfo?.EntryPoint ?? method.Name}'", "native code can write anywhere", method.Name);
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
                    Refuse(context, method, instruction.Offset, "calls through a function pointer (calli)", "the target is unknown and may be native code or unwoven IL", "calli");
                    break;
                case Code.Conv_U or Code.Conv_I when IsObjectSlotAddress(instruction.Previous):
                    Refuse(context, method, instruction.Offset, "takes a raw pointer to a slot holding an object reference (&obj)",
                        "the slot can then be read back as another type (*(Fake*)&obj), so field rules would see the wrong type", "&object-reference");
                    break;
                case Code.Mkrefany or Code.Refanyval:
                    Refuse(context, method, instruction.Offset, $"uses a typed reference ({instruction.OpCode.Name})", "writes through a TypedReference are not visible to the guard", instruction.OpCode.Name);
                    break;
                case Code.Call or Code.Callvirt or Code.Newobj when instruction.Operand is MethodReference callee && !IsRuntime(callee):
                    if (Classify(context, guard, method, instruction, callee) is { Any: true } checks) work.Add((instruction, checks));
                    break;
                // A delegate bound to a host method (Action<int> f = cred.SetUid) calls it later through Invoke, which
                // no call rule sees: check the call rules where the function pointer is taken.
                case Code.Ldftn or Code.Ldvirtftn when instruction.Operand is MethodReference target && !IsRuntime(target)
                                                      && ScopeOf(target.DeclaringType) is var s && s != guard.Module.Assembly.Name.Name && !IsFramework(s):
                    HostExports.Check(context, method, instruction, target); // deny-by-default: exported host methods only
                    work.Add((instruction, new CallChecks(null, [], HostCall: true)));
                    break;
            }
        }
        if (work.Count == 0) return;
        var lines = new SourceLines(method);
        body.SimplifyMacros();
        var scratch = new ScratchLocals(body);
        var name = TypeNames.Method(method);
        foreach (var (call, checks) in work)
        {
            var run = MethodGuardRewriter.WithPrefixes(call);
            var sequence = new CallGuardSequence(guard, method, scratch, call, run[..^1], lines).Build(checks);
            MethodGuardRewriter.Splice(body.GetILProcessor(), run, sequence);
            if (checks.Write is not null) guard.Report.CountGuard("call:" + checks.Write.Type + "::" + checks.Write.Method, name);
            foreach (var _ in checks.ByrefParameters) guard.Report.CountGuard("call:byref-argument", name);
            if (checks.HostCall) guard.Report.CountGuard("call:host", name);
        }
        body.OptimizeMacros();
    }

    private static CallChecks? Classify(WeaveContext context, GuardContext guard, MethodDefinition method, Instruction call, MethodReference callee)
    {
        var scope = ScopeOf(callee.DeclaringType);
        if (scope == guard.Module.Assembly.Name.Name) return null; // the module's own code is woven itself
        var typeName = TypeNames.Reflection(callee.DeclaringType);
        var first = callee.Parameters.Count > 0 ? callee.Parameters[0].ParameterType.FullName : null;
        var parameters = string.Join(",", callee.Parameters.Select(p => p.ParameterType.FullName));
        if (RefusedApiTable.WhyRefused(typeName, callee.Name, parameters) is { } why)
        {
            Refuse(context, method, call.Offset, $"calls {typeName}::{callee.Name}", why, $"{typeName}::{callee.Name}");
            return null;
        }
        // Unsafe.As<TFrom, TTo>(ref TFrom) over object references turns a Credentials into a look-alike type of the
        // module, whose field stores no rule or region lookup attributes to the real object.
        if (typeName == "System.Runtime.CompilerServices.Unsafe" && callee.Name == "As" && callee is GenericInstanceMethod { GenericArguments.Count: 2 } cast
            && cast.GenericArguments[0].FullName != cast.GenericArguments[1].FullName
            && (!IsValueType(cast.GenericArguments[0]) || !IsValueType(cast.GenericArguments[1])))
        {
            Refuse(context, method, call.Offset, $"calls {typeName}::As<{cast.GenericArguments[0].FullName}, {cast.GenericArguments[1].FullName}>",
                "reinterprets an object reference as another type, so field rules and region lookups would see the wrong type", $"{typeName}::As");
            return null;
        }
        var write = WriteApiTable.Find(typeName, callee.Name, callee.Parameters.Count, first);
        var byrefs = Enumerable.Range(0, callee.Parameters.Count)
            .Where(i => callee.Parameters[i].ParameterType is ByReferenceType && !IsReadOnly(callee.Parameters[i]))
            .ToList();
        bool host = !IsFramework(scope);
        if (host) HostExports.Check(context, method, call, callee); // deny-by-default: exported host methods only
        // A Span<T> handed to a framework method may be written in full (Replace, TryGetBytes, ReadAtLeast, Shuffle...):
        // check its extent unless the table already names the destination.
        var spans = write is not null || !IsFramework(scope) ? [] : Enumerable.Range(0, callee.Parameters.Count)
            .Where(i => callee.Parameters[i].ParameterType is GenericInstanceType { ElementType.FullName: "System.Span`1" })
            .ToList();
        return new CallChecks(write, byrefs, host, spans);
    }

    private static bool IsValueType(TypeReference type)
    {
        if (type is GenericParameter) return false; // unknown: treat as a reference
        if (type.IsValueType) return true;
        try { return type.Resolve()?.IsValueType ?? false; }
        catch (AssemblyResolutionException) { return false; }
    }

    // Two fields at the same offset of an explicit-layout type, one an object reference: writing one and reading the
    // other forges a reference of any type (a module look-alike of a host class), which field rules cannot see.
    private static void RefuseOverlappingReferences(WeaveContext context, TypeDefinition type)
    {
        if (!type.IsExplicitLayout) return;
        var fields = type.Fields.Where(f => !f.IsStatic && f.HasLayoutInfo).ToList();
        foreach (var a in fields)
            foreach (var b in fields)
            {
                if (ReferenceEquals(a, b) || a.Offset != b.Offset || a.FieldType.FullName == b.FieldType.FullName) continue;
                if (IsValueType(a.FieldType) && IsValueType(b.FieldType)) continue;
                const string api = "overlapping-references";
                bool allowed = context.Options.AllowUnchecked.Any(p => p == "*" || api.StartsWith(p.TrimEnd('*'), StringComparison.Ordinal));
                var message = $"{type.FullName} overlaps fields {a.Name} and {b.Name} at offset {a.Offset}, one an object reference: " +
                              "an object reference seen as another type escapes every field rule. " +
                              (allowed ? "Allowed unchecked by --allow-unchecked." : $"Refused; pass --allow-unchecked \"{api}\" to keep it unchecked in a trusted module.");
                var diagnostic = new WeaverDiagnostic(allowed ? DiagnosticCodes.UncheckedApiAllowed : DiagnosticCodes.UncheckableApi,
                    allowed ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, message, context.Options.InputPath);
                if (allowed) context.Add(diagnostic);
                else throw new WeaverException(diagnostic);
                return;
            }
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

    // 'in' and 'ref readonly' parameters are read, never written, by the callee.
    private static bool IsReadOnly(ParameterDefinition parameter) =>
        parameter.IsIn || parameter.CustomAttributes.Any(a => a.AttributeType.Name is "IsReadOnlyAttribute" or "RequiresLocationAttribute")
        || parameter.ParameterType is ByReferenceType { ElementType: RequiredModifierType { ModifierType.Name: "InAttribute" } };

    private static bool IsRuntime(MethodReference callee) =>
        GuardRuntime.Abi.AbiDescriptor.IsRuntimeAssembly(ScopeOf(callee.DeclaringType));

    private static bool IsFramework(string? scope) =>
        scope is null or "netstandard" or "mscorlib" or "System" || scope.StartsWith("System.", StringComparison.Ordinal) || scope.StartsWith("Microsoft.", StringComparison.Ordinal);

    private static string? ScopeOf(TypeReference type)
    {
        while (type.DeclaringType is not null && type is not GenericInstanceType) type = type.DeclaringType;
        return type.GetElementType().Scope switch
        {
            ModuleDefinition m => m.Assembly.Name.Name,
            AssemblyNameReference a => a.Name,
            _ => null,
        };
    }

    private static void Refuse(WeaveContext context, MethodDefinition method, int ilOffset, string what, string why, string api)
    {
        var (document, line) = new SourceLines(method).At(ilOffset);
        bool allowed = context.Options.AllowUnchecked.Any(p => p == "*" || api.StartsWith(p.TrimEnd('*'), StringComparison.Ordinal));
        var message = $"{TypeNames.Method(method)} at IL_{ilOffset:x4} {what}: {why}. " +
                      (allowed ? "Allowed unchecked by --allow-unchecked." : "Refused; pass --allow-unchecked \"" + api + "\" to keep it unchecked in a trusted module.");
        var diagnostic = new WeaverDiagnostic(allowed ? DiagnosticCodes.UncheckedApiAllowed : DiagnosticCodes.UncheckableApi,
            allowed ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, message, document ?? context.Options.InputPath, line);
        if (allowed) context.Add(diagnostic);
        else throw new WeaverException(diagnostic);
    }
}
