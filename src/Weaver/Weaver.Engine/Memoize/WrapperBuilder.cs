using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace Weaver.Engine.Memoize;

/// <summary>
/// Turns one memoized method into the wrapper of <c>src/KcrRuntime/README.md</c>: its body (instructions, locals,
/// exception handlers, sequence points and scopes) moves to a new private static <c>&lt;Name&gt;__original</c>, so that
/// stack traces through it keep their source lines; the method itself, with its name, signature, attributes and
/// parameter attributes unchanged, gets the small inlinable hit path (stamp test, key, L2 lookup), and a new private
/// <c>&lt;Name&gt;__kcr_miss</c> the out-of-line rest (slot creation, L3, learning, insert). The table lives in a private
/// static initonly field created at the start of the declaring type's static constructor, the calling thread's slot
/// in a private <c>[ThreadStatic]</c> field beside it.
/// </summary>
internal sealed class WrapperBuilder(KcrAbi abi)
{
    public const string TablePrefix = "__kcr_";
    public const string SlotPrefix = "__kcr_slot_";
    public const string OriginalSuffix = "__original";
    public const string MissSuffix = "__kcr_miss";

    private readonly Dictionary<TypeDefinition, int> tableCounts = [];

    /// <summary>Wraps <paramref name="candidate"/>; returns the new <c>__original</c> method.</summary>
    public MethodDefinition Wrap(MemoizeCandidate candidate, IReadOnlyCollection<string> dependencies)
    {
        var method = candidate.Method;
        var type = method.DeclaringType;
        var original = MoveBody(method);
        type.Methods.Add(original);

        var components = ArgumentKeys.Components(method.Module, candidate.Keys);
        var shape = new Shape(ArgumentKeys.KeyType(abi, components), components,
            candidate.Keys.Count(k => k.Kind == ArgumentKeyKind.Buffer), method.ReturnType);
        var tableType = abi.MemoTableOf(shape.Key, method.ReturnType);
        int n = tableCounts.GetValueOrDefault(type);
        tableCounts[type] = n + 1;
        var table = new FieldDefinition($"{TablePrefix}{method.Name}_{n}", FieldAttributes.Private | FieldAttributes.Static | FieldAttributes.InitOnly, tableType);
        var slot = new FieldDefinition($"{SlotPrefix}{method.Name}_{n}", FieldAttributes.Private | FieldAttributes.Static, abi.MemoSlotOf(shape.Key, method.ReturnType));
        slot.CustomAttributes.Add(new CustomAttribute(abi.ThreadStaticCtor));
        type.Fields.Add(table);
        type.Fields.Add(slot);
        InitializeTable(type, table, tableType, candidate, dependencies);
        var fields = new Fields(table, slot, tableType);
        var miss = EmitMiss(method, original, fields, shape, candidate);
        EmitWrapper(method, original, miss, fields, shape, candidate);
        return original;
    }

    private sealed record Shape(GenericInstanceType Key, List<TypeReference> Components, int Buffers, TypeReference Result);

    private sealed record Fields(FieldDefinition Table, FieldDefinition Slot, GenericInstanceType TableType);

    private static MethodDefinition MoveBody(MethodDefinition method)
    {
        var original = new MethodDefinition(method.Name + OriginalSuffix, MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig, method.ReturnType)
        {
            ImplAttributes = method.ImplAttributes,
        };
        var parameters = new Dictionary<ParameterDefinition, ParameterDefinition>();
        foreach (var p in method.Parameters)
        {
            var copy = new ParameterDefinition(p.Name, ParameterAttributes.None, p.ParameterType);
            original.Parameters.Add(copy);
            parameters.Add(p, copy);
        }

        var from = method.Body;
        var to = original.Body;
        to.InitLocals = from.InitLocals;
        var instructions = from.Instructions.ToArray();
        var variables = from.Variables.ToArray();
        var handlers = from.ExceptionHandlers.ToArray();
        foreach (var v in variables) to.Variables.Add(v);
        foreach (var i in instructions)
        {
            if (i.Operand is ParameterDefinition p && parameters.TryGetValue(p, out var mapped)) i.Operand = mapped;
            to.Instructions.Add(i);
        }
        foreach (var h in handlers) to.ExceptionHandlers.Add(h);

        // Debug information follows the instructions it names.
        var oldDebug = method.DebugInformation;
        var newDebug = original.DebugInformation;
        foreach (var point in oldDebug.SequencePoints) newDebug.SequencePoints.Add(point);
        newDebug.Scope = oldDebug.Scope;
        foreach (var info in oldDebug.CustomDebugInformations) newDebug.CustomDebugInformations.Add(info);
        oldDebug.SequencePoints.Clear();
        oldDebug.Scope = null;
        oldDebug.CustomDebugInformations.Clear();

        // A fresh body for the wrapper; the old one is left behind, emptied of nothing it still needs.
        method.Body = new MethodBody(method);
        // Inlining hints were for the original; the wrapper is a few loads and compares around one call, made to be
        // inlined into its callers like a hand-written memo would be.
        method.ImplAttributes &= ~(MethodImplAttributes.NoInlining | MethodImplAttributes.AggressiveOptimization);
        method.ImplAttributes |= MethodImplAttributes.AggressiveInlining;
        return original;
    }

    private void InitializeTable(TypeDefinition type, FieldDefinition table, GenericInstanceType tableType, MemoizeCandidate candidate, IReadOnlyCollection<string> dependencies)
    {
        var cctor = type.GetStaticConstructor();
        if (cctor is null)
        {
            // beforefieldinit is left as the compiler set it: every path into the table reads the field first, which
            // runs the initializer under either rule.
            cctor = new MethodDefinition(".cctor",
                MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig | MethodAttributes.SpecialName | MethodAttributes.RTSpecialName,
                type.Module.TypeSystem.Void);
            type.Methods.Add(cctor);
            cctor.Body.GetILProcessor().Emit(OpCodes.Ret);
        }
        var body = cctor.Body;
        var il = body.GetILProcessor();
        var sequence = new List<Instruction>
        {
            il.Create(OpCodes.Ldstr, candidate.TableName),
            il.Create(OpCodes.Ldc_I4, candidate.LearningCalls),
            il.Create(OpCodes.Ldc_I4, candidate.MaxKeyBytes),
            il.Create(OpCodes.Ldc_I4, candidate.L2Entries),
            il.Create(OpCodes.Ldc_I4, candidate.L3Entries),
            il.Create(OpCodes.Ldc_I4, candidate.MaxTableKilobytes),
            il.Create(OpCodes.Ldc_I4, candidate.CheckProfit),
            il.Create(OpCodes.Call, abi.OptionsCreate),
            il.Create(OpCodes.Newobj, abi.MemoTableCtor(tableType)),
            il.Create(OpCodes.Stsfld, table),
        };
        foreach (var field in dependencies)
        {
            sequence.Add(il.Create(OpCodes.Ldsfld, table));
            sequence.Add(il.Create(OpCodes.Ldstr, field));
            sequence.Add(il.Create(OpCodes.Callvirt, abi.DependsOn));
        }
        // Prepended: branches to the old first instruction (a loop head) and handler starts still name it.
        var first = body.Instructions[0];
        foreach (var instruction in sequence) il.InsertBefore(first, instruction);
    }

    // if (!table.IsActive) return original(args); key = new MemoKey(..); [views]; if (table.TryGet(slot, in key, [views],
    // out result)) return result; return miss(args, in key). Every argument of a table call is one load (the verifier's rule).
    private void EmitWrapper(MethodDefinition method, MethodDefinition original, MethodDefinition miss, Fields f, Shape shape, MemoizeCandidate candidate)
    {
        var body = method.Body;
        body.InitLocals = false; // every local is written before it is read
        var key = new VariableDefinition(shape.Key);
        var result = new VariableDefinition(method.ReturnType);
        body.Variables.Add(key);
        body.Variables.Add(result);
        var views = Views(body, shape);
        var il = body.GetILProcessor();
        var compute = il.Create(OpCodes.Nop);
        var missed = il.Create(OpCodes.Nop);

        il.Emit(OpCodes.Ldsfld, f.Table);
        il.Emit(OpCodes.Call, abi.IsActive(f.TableType));
        il.Emit(OpCodes.Brfalse, compute);
        ArgumentKeys.EmitKey(il, abi, method, candidate.Keys, shape.Components);
        il.Emit(OpCodes.Stloc, key);
        ArgumentKeys.EmitBuffers(il, abi, method, candidate.Keys, views);
        il.Emit(OpCodes.Ldsfld, f.Table);
        il.Emit(OpCodes.Ldsfld, f.Slot);
        il.Emit(OpCodes.Ldloca, key);
        foreach (var view in views) il.Emit(OpCodes.Ldloc, view);
        il.Emit(OpCodes.Ldloca, result);
        il.Emit(OpCodes.Call, abi.TryGet(f.TableType, shape.Buffers));
        il.Emit(OpCodes.Brfalse, missed);
        il.Emit(OpCodes.Ldloc, result);
        il.Emit(OpCodes.Ret);

        il.Append(missed);
        foreach (var p in method.Parameters) il.Emit(OpCodes.Ldarg, p);
        il.Emit(OpCodes.Ldloca, key);
        il.Emit(OpCodes.Call, miss);
        il.Emit(OpCodes.Ret);

        il.Append(compute);
        foreach (var p in method.Parameters) il.Emit(OpCodes.Ldarg, p);
        il.Emit(OpCodes.Call, original);
        il.Emit(OpCodes.Ret);
        body.OptimizeMacros();
    }

    // static R M__kcr_miss(args, in K key): slot ??= table.CreateSlot(); [views]; if (table.Lookup(slot, in key, [views],
    // out result, out miss)) return result; result = original(args); table.Add(slot, in key, [views], result, in miss).
    private MethodDefinition EmitMiss(MethodDefinition method, MethodDefinition original, Fields f, Shape shape, MemoizeCandidate candidate)
    {
        var miss = new MethodDefinition(method.Name + MissSuffix, MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig, method.ReturnType)
        {
            ImplAttributes = MethodImplAttributes.NoInlining,
        };
        method.DeclaringType.Methods.Add(miss); // first: emitting imports into its module
        foreach (var p in method.Parameters) miss.Parameters.Add(new ParameterDefinition(p.Name, ParameterAttributes.None, p.ParameterType));
        var keyParameter = new ParameterDefinition("key", ParameterAttributes.In, new ByReferenceType(shape.Key));
        miss.Parameters.Add(keyParameter);
        var body = miss.Body;
        body.InitLocals = true;
        var result = new VariableDefinition(method.ReturnType);
        var state = new VariableDefinition(abi.MemoMiss);
        body.Variables.Add(result);
        body.Variables.Add(state);
        var views = Views(body, shape);
        var il = body.GetILProcessor();
        var haveSlot = il.Create(OpCodes.Nop);
        var compute = il.Create(OpCodes.Nop);

        il.Emit(OpCodes.Ldsfld, f.Slot);
        il.Emit(OpCodes.Brtrue, haveSlot);
        il.Emit(OpCodes.Ldsfld, f.Table);
        il.Emit(OpCodes.Call, abi.CreateSlot(f.TableType));
        il.Emit(OpCodes.Stsfld, f.Slot);
        il.Append(haveSlot);
        ArgumentKeys.EmitBuffers(il, abi, miss, candidate.Keys, views);
        il.Emit(OpCodes.Ldsfld, f.Table);
        il.Emit(OpCodes.Ldsfld, f.Slot);
        il.Emit(OpCodes.Ldarg, keyParameter);
        foreach (var view in views) il.Emit(OpCodes.Ldloc, view);
        il.Emit(OpCodes.Ldloca, result);
        il.Emit(OpCodes.Ldloca, state);
        il.Emit(OpCodes.Call, abi.Lookup(f.TableType, shape.Buffers));
        il.Emit(OpCodes.Brfalse, compute);
        il.Emit(OpCodes.Ldloc, result);
        il.Emit(OpCodes.Ret);

        il.Append(compute);
        for (int i = 0; i < method.Parameters.Count; i++) il.Emit(OpCodes.Ldarg, miss.Parameters[i]);
        il.Emit(OpCodes.Call, original);
        il.Emit(OpCodes.Stloc, result);
        il.Emit(OpCodes.Ldsfld, f.Table);
        il.Emit(OpCodes.Ldsfld, f.Slot);
        il.Emit(OpCodes.Ldarg, keyParameter);
        foreach (var view in views) il.Emit(OpCodes.Ldloc, view);
        il.Emit(OpCodes.Ldloc, result);
        il.Emit(OpCodes.Ldloca, state);
        il.Emit(OpCodes.Call, abi.Add(f.TableType, shape.Buffers));
        il.Emit(OpCodes.Ldloc, result);
        il.Emit(OpCodes.Ret);
        body.OptimizeMacros();
        return miss;
    }

    private List<VariableDefinition> Views(MethodBody body, Shape shape)
    {
        var views = new List<VariableDefinition>();
        for (int i = 0; i < shape.Buffers; i++)
        {
            var view = new VariableDefinition(abi.ReadOnlySpanOfByte);
            body.Variables.Add(view);
            views.Add(view);
        }
        return views;
    }
}
