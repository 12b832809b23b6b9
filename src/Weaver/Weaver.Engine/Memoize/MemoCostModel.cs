using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Weaver.Engine.Memoize;

/// <summary>A static estimate of what one call of a method costs, against what a KCR hit on it costs.</summary>
/// <param name="Method">The method estimated.</param>
/// <param name="BodyNanoseconds">Estimated cost of the body, calls to the module's own methods included, on a reference
/// machine; loops over a buffer are counted for <see cref="MemoCostModel.ReferenceBufferBytes"/> bytes.</param>
/// <param name="HitNanoseconds">Estimated cost of a hit: the key's hash and compare, one pass over each buffer argument.</param>
/// <param name="Instructions">IL instructions of the body and the module callees it reaches.</param>
/// <param name="Loops">Loops (backward branches) among them.</param>
/// <param name="OpaqueCalls">Calls outside the module (framework work whose cost is not modelled: never cheap).</param>
/// <param name="BufferArguments">Buffer arguments a hit hashes and compares.</param>
/// <param name="LikelyCheaperThanHit">Whether memoizing probably loses: see <see cref="Reason"/>.</param>
/// <param name="Reason">Why, in words a diagnostic can quote.</param>
internal sealed record MemoCostEstimate(MethodDefinition Method, double BodyNanoseconds, double HitNanoseconds, int Instructions,
    int Loops, int OpaqueCalls, int BufferArguments, bool LikelyCheaperThanHit, string Reason);

/// <summary>
/// The weave-time half of the KCR cost model (the run-time half measures and switches a table that does not pay to
/// Unprofitable). A hit costs a few nanoseconds plus one hash and one compare pass over the buffer arguments; a
/// body with no loop and no call out of the module, short enough, costs about as much, and a body that makes one
/// pass over a buffer costs about what the hit's own pass over it costs. Those are the two shapes it flags. The
/// figures are the reference machine's (bench/results/kcr.md); the estimate is a heuristic that a run-time
/// measurement confirms or overturns, never a proof. Reused by <c>weaver suggest</c> to rank candidates.
/// </summary>
internal static class MemoCostModel
{
    /// <summary>Buffer size a loop over a buffer argument is assumed to walk.</summary>
    public const int ReferenceBufferBytes = 256;

    /// <summary>A body shorter than this, without loops or calls out of the module, is likely cheaper than a hit.</summary>
    public const int ShortBody = 48;

    private const double NanosecondsPerInstruction = 0.35;
    private const double OpaqueCallNanoseconds = 25;
    private const double HitNanoseconds = 3;
    private const double HitNanosecondsPerByte = 1.0 / 24;
    private const int MaxMethods = 64;

    /// <summary>Estimates <paramref name="method"/> (a static method with an IL body).</summary>
    public static MemoCostEstimate Estimate(MethodDefinition method)
    {
        int buffers = method.Parameters.Count(p => ArgumentKeys.Plan(p.ParameterType, out _) is { Kind: ArgumentKeyKind.Buffer });
        int instructions = 0, loops = 0, opaque = 0, nested = 0;
        var seen = new HashSet<MethodDefinition>();
        var queue = new Queue<MethodDefinition>();
        queue.Enqueue(method);
        while (queue.Count > 0 && seen.Count < MaxMethods)
        {
            var current = queue.Dequeue();
            if (!seen.Add(current) || !current.HasBody) continue;
            var code = current.Body.Instructions;
            instructions += code.Count;
            var backEdges = code.Where(i => i.Operand is Instruction t && t.Offset <= i.Offset).Select(i => ((Instruction)i.Operand, i)).ToList();
            loops += backEdges.Count;
            nested += backEdges.Count(a => backEdges.Any(b => b != a && b.Item1.Offset <= a.Item1.Offset && a.i.Offset <= b.i.Offset));
            foreach (var i in code)
            {
                if (i.OpCode.FlowControl != FlowControl.Call || i.Operand is not MethodReference callee) continue;
                if (Own(current, callee) is { } own) queue.Enqueue(own);
                else if (!IsCheap(callee)) opaque++;
            }
        }

        double loopNs = loops == 0 ? 0 : ReferenceBufferBytes * NanosecondsPerInstruction * Math.Max(1, instructions / 8.0) * (1 + nested);
        double body = instructions * NanosecondsPerInstruction + opaque * OpaqueCallNanoseconds + loopNs;
        double hit = HitNanoseconds + buffers * ReferenceBufferBytes * HitNanosecondsPerByte;
        string reason;
        bool cheaper;
        if (loops == 0 && opaque == 0 && instructions < ShortBody)
        {
            cheaper = true;
            reason = $"its body is short ({instructions} IL instructions, no loop, no call out of the module): about "
                + $"{body:0} ns, against a hit's {hit:0} ns (hashing and comparing the key)";
        }
        else if (buffers > 0 && loops == 1 && nested == 0 && opaque == 0)
        {
            cheaper = true;
            reason = "it makes one pass over a buffer argument, and a hit must hash and compare the same bytes, "
                + "which costs about as much";
        }
        else
        {
            cheaper = body < hit;
            reason = cheaper ? $"its estimated cost ({body:0} ns) is below a hit's ({hit:0} ns)"
                : $"its estimated cost ({body:0} ns{(opaque > 0 ? $", {opaque} call(s) out of the module" : "")}) exceeds a hit's ({hit:0} ns)";
        }
        return new MemoCostEstimate(method, body, hit, instructions, loops, opaque, buffers, cheaper, reason);
    }

    // Framework members cheap enough to count as instructions: arithmetic helpers and span/array accessors.
    private static bool IsCheap(MethodReference callee)
    {
        var type = callee.DeclaringType.GetElementType().FullName;
        return type is "System.Math" or "System.MathF" or "System.Numerics.BitOperations" or "System.Buffers.Binary.BinaryPrimitives"
               || type is "System.Span`1" or "System.ReadOnlySpan`1" or "System.Array" && callee.Name is "get_Length" or "get_Item" or "Slice"
               || type == "System.MemoryExtensions" && callee.Name.StartsWith("AsSpan", StringComparison.Ordinal)
               || callee.Name is "op_Implicit" or "get_HasValue" or "GetValueOrDefault";
    }

    private static MethodDefinition? Own(MethodDefinition caller, MethodReference callee)
    {
        var element = callee.GetElementMethod();
        if (element is MethodDefinition d) return d.Module == caller.Module ? d : null;
        if (element.DeclaringType.GetElementType().Scope != caller.Module) return null;
        try { return element.Resolve(); }
        catch (AssemblyResolutionException) { return null; }
    }
}
