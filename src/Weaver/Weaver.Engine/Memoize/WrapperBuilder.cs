using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace Weaver.Engine.Memoize;

/// <summary>
/// Turns one memoized method into the wrapper of <c>src/KcrRuntime/README.md</c>: its body (instructions, locals,
/// exception handlers, sequence points and scopes) moves to a new private static <c>&lt;Name&gt;__original</c>, so that
/// stack traces through it keep their source lines; the method itself, with its name, signature, attributes and
/// parameter attributes unchanged, gets the localloc/KeyBuilder/TryGet/Offer body; and its table lives in a private static
/// initonly field created at the start of the declaring type's static constructor.
/// </summary>
internal sealed class WrapperBuilder(KcrAbi abi)
{
    public const string TablePrefix = "__kcr_";
    public const string OriginalSuffix = "__original";

    private readonly Dictionary<TypeDefinition, int> tableCounts = [];

    /// <summary>Wraps <paramref name="candidate"/>; returns the new <c>__original</c> method.</summary>
    public MethodDefinition Wrap(MemoizeCandidate candidate, IReadOnlyCollection<string> dependencies)
    {
        var method = candidate.Method;
        var type = method.DeclaringType;
        var original = MoveBody(method);
        type.Methods.Add(original);

        var tableType = abi.MemoTableOf(method.ReturnType);
        int n = tableCounts.GetValueOrDefault(type);
        tableCounts[type] = n + 1;
        var table = new FieldDefinition($"{TablePrefix}{method.Name}_{n}", FieldAttributes.Private | FieldAttributes.Static | FieldAttributes.InitOnly, tableType);
        type.Fields.Add(table);
        InitializeTable(type, table, tableType, candidate, dependencies);
        EmitWrapper(method, original, table, tableType, candidate);
        return original;
    }

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
        // Inlining hints were for the original; the wrapper keeps none (AggressiveInlining on a localloc method would be ignored anyway).
        method.ImplAttributes &= ~(MethodImplAttributes.AggressiveInlining | MethodImplAttributes.NoInlining | MethodImplAttributes.AggressiveOptimization);
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

    private void EmitWrapper(MethodDefinition method, MethodDefinition original, FieldDefinition table, GenericInstanceType tableType, MemoizeCandidate candidate)
    {
        var body = method.Body;
        body.InitLocals = false; // both locals are written before any read; saves zeroing the 256-byte key buffer
        var key = new VariableDefinition(abi.KeyBuilder);
        var result = new VariableDefinition(method.ReturnType);
        body.Variables.Add(key);
        body.Variables.Add(result);
        var il = body.GetILProcessor();
        var miss = il.Create(OpCodes.Nop);

        il.Emit(OpCodes.Ldc_I4, KcrRuntime.KeyBuilder.InlineCapacity);
        il.Emit(OpCodes.Conv_U);
        il.Emit(OpCodes.Localloc);
        il.Emit(OpCodes.Ldc_I4, KcrRuntime.KeyBuilder.InlineCapacity);
        il.Emit(OpCodes.Ldsfld, table);
        il.Emit(OpCodes.Newobj, abi.KeyBuilderCtor);
        il.Emit(OpCodes.Stloc, key);
        for (int i = 0; i < method.Parameters.Count; i++) ArgumentKeys.Emit(il, abi, key, method.Parameters[i], candidate.Keys[i]);

        il.Emit(OpCodes.Ldsfld, table);
        il.Emit(OpCodes.Ldloca, key);
        il.Emit(OpCodes.Ldloca, result);
        il.Emit(OpCodes.Callvirt, abi.TryGet(tableType));
        il.Emit(OpCodes.Brfalse, miss);
        il.Emit(OpCodes.Ldloca, key);
        il.Emit(OpCodes.Call, abi.Dispose);
        il.Emit(OpCodes.Ldloc, result);
        il.Emit(OpCodes.Ret);

        il.Append(miss);
        foreach (var p in method.Parameters) il.Emit(OpCodes.Ldarg, p);
        il.Emit(OpCodes.Call, original);
        il.Emit(OpCodes.Stloc, result);
        il.Emit(OpCodes.Ldsfld, table);
        il.Emit(OpCodes.Ldloca, key);
        il.Emit(OpCodes.Ldloc, result);
        il.Emit(OpCodes.Callvirt, abi.Offer(tableType));
        il.Emit(OpCodes.Ldloca, key);
        il.Emit(OpCodes.Call, abi.Dispose);
        il.Emit(OpCodes.Ldloc, result);
        il.Emit(OpCodes.Ret);
        body.OptimizeMacros();
    }
}
