using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// Loads the module's guard handle once per method call instead of once per guard: a method with several guards
/// gets a local set in its prologue, and its guards read the local. A static field of a module loaded into a
/// collectible context is reached through a helper, so this removes that cost from every guard but the first.
/// </summary>
public sealed class ModuleHandleStep : IWeaveStep
{
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
                if (loads.Count < 2) continue;
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
