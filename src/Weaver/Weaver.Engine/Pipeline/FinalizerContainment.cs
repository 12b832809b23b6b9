using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// A module's finalizer runs on the runtime's finalizer thread, with no module or host frame below it: an exception
/// escaping it (a guard violation included) ends the process. Its whole body is wrapped in
/// <c>try { body } catch (Exception e) { Guard.FaultFinalizer(e, module); }</c>, so the host's fault handler gets the
/// exception (and quarantines the module) and the kernel keeps running. A finalizer that does not throw behaves as
/// before.
/// </summary>
internal static class FinalizerContainment
{
    public static void Wrap(GuardContext guard, ContainmentAbi abi, MethodDefinition method)
    {
        if (!IsFinalizer(method)) return;
        var body = method.Body;
        body.SimplifyMacros();
        var exception = method.Module.ImportReference(new TypeReference("System", "Exception", method.Module,
            method.Module.TypeSystem.CoreLibrary));
        var end = Instruction.Create(OpCodes.Ret);
        // Every return leaves the protected region instead; the one return is after the handler.
        foreach (var ret in body.Instructions.Where(i => i.OpCode.Code == Code.Ret).ToList())
        {
            ret.OpCode = OpCodes.Leave;
            ret.Operand = end;
        }
        var first = body.Instructions[0];
        var handler = Instruction.Create(OpCodes.Ldsfld, guard.ModuleField); // [exception] -> [exception, module]
        var il = body.GetILProcessor();
        il.Append(handler);
        il.Append(Instruction.Create(OpCodes.Call, abi.FaultFinalizer(exception)));
        il.Append(Instruction.Create(OpCodes.Leave, end));
        il.Append(end);
        // Added last: the finalizer's own handlers (its try/finally around base.Finalize) stay nested inside this one.
        body.ExceptionHandlers.Add(new ExceptionHandler(ExceptionHandlerType.Catch)
        {
            TryStart = first, TryEnd = handler, HandlerStart = handler, HandlerEnd = end, CatchType = exception,
        });
        body.OptimizeMacros();
    }

    private static bool IsFinalizer(MethodDefinition method) =>
        method is { Name: "Finalize", IsVirtual: true, IsStatic: false, HasParameters: false, HasGenericParameters: false }
        && method.ReturnType.MetadataType == MetadataType.Void && method.HasBody && method.Body.Instructions.Count > 0;
}
