using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Memoize;
using Weaver.Engine.Purity;

namespace Weaver.Engine.Suggest;

/// <summary>A cost estimate of one candidate: the body's cost, a hit's cost, and whether a hit is likely dearer.</summary>
/// <param name="BodyNanoseconds">Estimated duration of one call of the original.</param>
/// <param name="HitNanoseconds">Estimated duration of a cache hit (key, lookup, compare, result copy).</param>
/// <param name="LikelyUnprofitable">Whether the body is likely no dearer than a hit.</param>
/// <param name="Reason">What the estimate rests on, as the user reads it.</param>
public sealed record CostEstimate(double BodyNanoseconds, double HitNanoseconds, bool LikelyUnprofitable, string Reason)
{
    /// <summary>Time saved by one hit.</summary>
    public double SavingPerHit => BodyNanoseconds - HitNanoseconds;
}

/// <summary>
/// The suggest command's own static cost estimate, kept apart so that the KCR cost model (issue 15's
/// <c>MemoCostModel</c>) can replace it in one place: IL size of the method and its module callees, loops scaled by a
/// nominal buffer length, framework calls by kind (one-shot cryptographic hashes are dear, checksums cheap), and a
/// hit priced from the KCR measurements in <c>bench/results</c> (about 30 ns for scalar keys, plus hashing and
/// comparing buffer keys and copying array results).
/// </summary>
internal static class InterimCostEstimate
{
    private const double NanosecondsPerInstruction = 0.6;
    private const double NominalBufferElements = 64;
    private const double LoopFactor = NominalBufferElements / 4;
    private const double BaseHit = 30;
    private const double PerBufferByte = 0.25;

    public static CostEstimate Estimate(MethodDefinition method, IReadOnlyList<ArgumentKey> keys, PurityAnalysis purity)
    {
        int instructions = purity.ReachableInstructions(method);
        bool loops = purity.Loops(method);
        double framework = 0;
        string? dearest = null;
        double dearestCost = 0;
        foreach (var callee in FrameworkCalls(method))
        {
            double cost = FrameworkCost(callee);
            framework += cost;
            if (cost > dearestCost) (dearest, dearestCost) = ($"{callee.DeclaringType.Name}.{callee.Name}", cost);
        }
        double body = instructions * NanosecondsPerInstruction * (loops ? LoopFactor : 1) + framework;
        double hit = BaseHit;
        foreach (var key in keys)
            hit += key.Kind == ArgumentKeyKind.Buffer
                ? 2 * PerBufferByte * NominalBufferElements // hash pass and compare pass
                : 1;
        if (method.ReturnType is ArrayType) hit += PerBufferByte * NominalBufferElements;
        var reason = $"{instructions} IL instructions{(loops ? " with a loop" : "")}"
                     + (dearest is null ? "" : $", calls {dearest}") + $": ≈{body:0} ns body vs ≈{hit:0} ns hit";
        return new CostEstimate(body, hit, body < 1.5 * hit, reason);
    }

    private static IEnumerable<MethodReference> FrameworkCalls(MethodDefinition root)
    {
        var seen = new HashSet<MethodDefinition> { root };
        var queue = new Queue<MethodDefinition>([root]);
        while (queue.Count > 0)
        {
            var method = queue.Dequeue();
            if (!method.HasBody) continue;
            foreach (var instruction in method.Body.Instructions)
            {
                if (instruction.Operand is not MethodReference callee || instruction.OpCode.Code is Code.Ldftn or Code.Ldvirtftn) continue;
                MethodDefinition? definition = null;
                try { definition = callee.Resolve(); }
                catch (AssemblyResolutionException) { }
                if (definition?.Module == root.Module) { if (seen.Add(definition)) queue.Enqueue(definition); }
                else yield return callee;
            }
        }
    }

    private static double FrameworkCost(MethodReference callee)
    {
        var type = callee.DeclaringType.FullName;
        if (type.StartsWith("System.Security.Cryptography.", StringComparison.Ordinal)) return 1500;
        if (type.StartsWith("System.IO.Hashing.", StringComparison.Ordinal)) return 60;
        if (type.StartsWith("System.Exception", StringComparison.Ordinal) || type.EndsWith("Exception", StringComparison.Ordinal)) return 0;
        if (type is "System.Math" or "System.MathF" or "System.Numerics.BitOperations" or "System.Buffers.Binary.BinaryPrimitives") return 1;
        if (type.StartsWith("System.Span", StringComparison.Ordinal) || type.StartsWith("System.ReadOnlySpan", StringComparison.Ordinal)) return 1;
        if (callee.Name is "get_Length" or "get_Chars" or "get_Item" or "get_Count") return 1;
        return 15;
    }
}
