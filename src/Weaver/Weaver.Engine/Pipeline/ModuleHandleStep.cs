using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// Loads the module's guard handle once per method call instead of once per guard: a method with several guards, or
/// with one guard inside a loop, gets a local set in its prologue, and its guards read the local. A static field of a
/// module loaded into a collectible context is reached through a helper, so this leaves at most one helper call per
/// method call, none per guard, and the fast path reads the table through a register.
/// </summary>
public sealed class ModuleHandleStep : IWeaveStep
{
    // Whether a backward branch spans the instruction.
    // (Positions, not offsets: the instructions earlier steps inserted have no offset yet.)
    private static bool InLoop(MethodBody body, Instruction load)
    {
        var position = new Dictionary<Instruction, int>();
        for (int k = 0; k < body.Instructions.Count; k++) position[body.Instructions[k]] = k;
        int at = position[load];
        for (int k = at; k < body.Instructions.Count; k++)
        {
            var targets = body.Instructions[k].Operand switch
            {
                Instruction t => [t], Instruction[] ts => ts, _ => Array.Empty<Instruction>(),
            };
            if (targets.Any(t => position[t] <= at)) return true;
        }
        return false;
    }

    /// <inheritdoc/>
    public void Run(WeaveContext context)
    {
        if (context.Guards is not { } guard) return;
        var field = guard.ModuleField;
        foreach (var type in context.Module.GetTypes())
        {
            if (type == field.DeclaringType) continue;
            foreach (var method in type.Methods.Where(m => m.HasBody))
            {
                var loads = method.Body.Instructions.Where(i => i.OpCode.Code == Code.Ldsfld && i.Operand == field).ToList();
                // One guard outside any loop runs at most once per call: hoisting it would only move the load (a helper
                // call in a collectible context) from its path onto every path, the early returns included.
                if (loads.Count == 0 || loads.Count == 1 && !InLoop(method.Body, loads[0])) continue;
                var body = method.Body;
                body.SimplifyMacros();
                var handle = new VariableDefinition(guard.Abi.ModuleGuard);
                body.Variables.Add(handle);
                foreach (var load in loads)
                {
                    load.OpCode = OpCodes.Ldloc;
                    load.Operand = handle;
                }
                // The prologue takes the place of the first instruction (so anything that targeted it, a loop back
                // edge or a try start included, now runs the prologue first: harmless), then the instruction follows.
                var first = body.Instructions[0];
                var original = Guards.GuardContext.Copy(first);
                first.OpCode = OpCodes.Ldsfld;
                first.Operand = field;
                var il = body.GetILProcessor();
                var store = Instruction.Create(OpCodes.Stloc, handle);
                il.InsertAfter(first, store);
                il.InsertAfter(store, original);
                body.OptimizeMacros();
            }
        }
    }
}
