using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// Puts module code that the framework may run on its own threads under the host's fault containment: every
/// argument of a concrete delegate type that the module passes to a framework method (a thread start, a pool work
/// item, a timer or task body, a LINQ predicate, a comparison...) is wrapped by <c>Guard.Contain</c> (by
/// <c>Guard.ContainHandler</c> for a framework event's <c>add_</c>/<c>remove_</c>, so that removal still matches),
/// and <c>AsyncVoidMethodBuilder.SetException</c> is replaced by <c>Guard.FaultAsyncVoid</c>. The wrapper calls
/// through whenever module or host code is below it on the stack, so woven code behaves like the original; only an
/// exception that would have ended the process goes to the host instead.
/// </summary>
/// <remarks>
/// It runs before <see cref="EscapeHatchStep"/>: the wrapped delegate is then just an argument of the call, which the
/// escape hatches check (spill, check, reload) in their canonical form, the one the load-time verifier expects.
/// Parameters typed <c>System.Delegate</c>/<c>MulticastDelegate</c> (<c>Delegate.Combine</c>, <c>DynamicInvoke</c>)
/// and generic parameters (<c>List&lt;Action&gt;.Add</c>) are not wrapped: the framework stores or combines those
/// rather than running them, and a wrapper would change the delegate's identity.
/// </remarks>
public sealed class ContainmentStep : IWeaveStep
{
    private const string AsyncVoidBuilder = "System.Runtime.CompilerServices.AsyncVoidMethodBuilder";

    /// <inheritdoc/>
    public void Run(WeaveContext context)
    {
        if (context.Guards is not { } guard) return;
        var abi = new ContainmentAbi(context.Module, guard.Abi.ModuleGuard);
        foreach (var type in context.Module.GetTypes().ToList())
        {
            if (type == guard.ModuleField.DeclaringType) continue;
            foreach (var method in type.Methods.Where(m => m.HasBody))
            {
                Rewrite(guard, abi, method);
                FinalizerContainment.Wrap(guard, abi, method);
            }
        }
    }

    private static void Rewrite(GuardContext guard, ContainmentAbi abi, MethodDefinition method)
    {
        var work = new List<(Instruction Call, MethodReference Callee, List<int> Delegates)>();
        foreach (var instruction in method.Body.Instructions)
        {
            if (instruction.OpCode.Code is not (Code.Call or Code.Callvirt or Code.Newobj)
                || instruction.Operand is not MethodReference callee
                || !Framework.IsFramework(Framework.ScopeOf(callee.DeclaringType)))
                continue;
            var delegates = Enumerable.Range(0, callee.Parameters.Count)
                .Where(i => IsConcreteDelegate(GenericSubstitution.ParameterType(callee, i),
                    callee.Parameters[i].ParameterType))
                .ToList();
            if (delegates.Count > 0 || IsAsyncVoidSetException(callee)) work.Add((instruction, callee, delegates));
        }
        if (work.Count == 0) return;
        var body = method.Body;
        body.SimplifyMacros();
        var scratch = new ScratchLocals(body);
        var name = TypeNames.Method(method);
        foreach (var (call, callee, delegates) in work)
        {
            var run = MethodGuardRewriter.WithPrefixes(call);
            var sequence = IsAsyncVoidSetException(callee)
                ? AsyncVoid(guard, abi, callee)
                : Wrap(guard, abi, scratch, call, callee, delegates, run[..^1]);
            MethodGuardRewriter.Splice(body.GetILProcessor(), run, sequence);
            guard.Report.CountGuard(IsAsyncVoidSetException(callee) ? "contain:async-void" : "contain:delegate", name);
        }
        body.OptimizeMacros();
    }

    // The builder's address and the exception are on the stack already; the module handle follows them.
    private static List<Instruction> AsyncVoid(GuardContext guard, ContainmentAbi abi, MethodReference callee) =>
    [
        Instruction.Create(OpCodes.Ldsfld, guard.ModuleField),
        Instruction.Create(OpCodes.Call, abi.FaultAsyncVoid(callee.DeclaringType, callee.Parameters[0].ParameterType)),
    ];

    // Spill the arguments after the first delegate (a delegate last, the common case, needs no spill), wrap each
    // delegate as it is pushed back, and make the call.
    private static List<Instruction> Wrap(GuardContext guard, ContainmentAbi abi, ScratchLocals scratch,
        Instruction call, MethodReference callee, List<int> delegates, Instruction[] prefixes)
    {
        bool handler = callee.Resolve() is { IsSpecialName: true } m
                       && (m.Name.StartsWith("add_", StringComparison.Ordinal)
                           || m.Name.StartsWith("remove_", StringComparison.Ordinal));
        int first = delegates[0];
        var code = new List<Instruction>();
        var spilled = new Dictionary<int, VariableDefinition>();
        for (int i = callee.Parameters.Count - 1; i > first; i--)
        {
            spilled[i] = scratch.Get(GenericSubstitution.ParameterType(callee, i), slot: 200 + i);
            code.Add(Instruction.Create(OpCodes.Stloc, spilled[i]));
        }
        for (int i = first; i < callee.Parameters.Count; i++)
        {
            if (i > first) code.Add(Instruction.Create(OpCodes.Ldloc, spilled[i]));
            if (!delegates.Contains(i)) continue;
            var type = GenericSubstitution.ParameterType(callee, i);
            code.Add(Instruction.Create(OpCodes.Ldsfld, guard.ModuleField));
            code.Add(Instruction.Create(OpCodes.Call, handler ? abi.ContainHandler(type) : abi.Contain(type)));
        }
        foreach (var prefix in prefixes) code.Add(GuardContext.Copy(prefix));
        code.Add(GuardContext.Copy(call));
        // The splice keeps the first instruction in place (branch targets): a call with nothing spilled still works.
        return code;
    }

    private static bool IsAsyncVoidSetException(MethodReference callee) =>
        callee.Name == "SetException" && callee.HasThis && callee.Parameters.Count == 1
        && callee.DeclaringType.FullName == AsyncVoidBuilder;

    // A concrete delegate type as the callee declares it (not a generic parameter, not Delegate/MulticastDelegate).
    private static bool IsConcreteDelegate(TypeReference atCallSite, TypeReference declared)
    {
        if (declared is GenericParameter or ByReferenceType or PointerType) return false;
        if (atCallSite is GenericParameter) return false;
        if (atCallSite.FullName is "System.Delegate" or "System.MulticastDelegate") return false;
        try { return atCallSite.Resolve()?.BaseType?.FullName == "System.MulticastDelegate"; }
        catch (AssemblyResolutionException) { return false; }
    }
}
