using Mono.Cecil;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// Inserts a guard before every store of every method body and injects the module's guard holder. The targets and
/// sites it numbers are embedded by <see cref="MarkStep"/> once every step has added its own.
/// </summary>
public sealed class GuardStep : IWeaveStep
{
    /// <inheritdoc/>
    public void Run(WeaveContext context)
    {
        if (context.Options.Guards == GuardKinds.None) return;
        var module = context.Module;
        var abi = new GuardAbi(module);
        var holderField = GuardHolder.Create(module, abi);
        var guard = new GuardContext(context, abi, holderField);
        var rewriter = new MethodGuardRewriter(guard);

        foreach (var type in module.GetTypes().ToList())
        {
            if (type == holderField.DeclaringType) continue;
            foreach (var method in type.Methods.Where(m => m.HasBody))
            {
                context.Report.MethodsScanned++;
                context.Report.ILBytes += method.Body.CodeSize;
                try
                {
                    rewriter.Rewrite(method);
                }
                catch (WeaverException)
                {
                    throw;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // A body the rewriter cannot handle is the weaver's limitation, not bad input: report it as ours
                    // and go on with the other methods, so one run shows every crash and every refusal.
                    context.Add(WeavePipeline.InternalError(context, "the guard rewriter, guarding " + method.FullName, e)
                        with { Method = TypeNames.Method(method) });
                }
            }
        }

        context.Guards = guard;
    }
}
