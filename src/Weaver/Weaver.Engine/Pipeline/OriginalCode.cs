using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// The IL offsets and source lines of the input as it was read. Every step rewrites bodies and Cecil recomputes
/// offsets when a step re-optimises a body, so a later step that reads <c>Instruction.Offset</c> sees an offset in
/// the body as an earlier step left it: a site would then name an offset no one can find in the input (and may lie
/// past the end of the woven body, which the load-time verifier rejects), and a diagnostic would point at the wrong
/// place. Sites and diagnostics name instructions by their offset in the original body, through this record.
/// </summary>
public sealed class OriginalCode
{
    private readonly Dictionary<Instruction, int> offsets = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<MethodDefinition, SourceLines> lines = new(ReferenceEqualityComparer.Instance);

    /// <summary>Records every body of <paramref name="module"/> as read.</summary>
    internal void Record(ModuleDefinition module)
    {
        foreach (var type in module.GetTypes())
            foreach (var method in type.Methods)
            {
                if (!method.HasBody) continue;
                foreach (var instruction in method.Body.Instructions) offsets[instruction] = instruction.Offset;
                lines[method] = new SourceLines(method);
            }
    }

    /// <summary>The offset of <paramref name="instruction"/> in the input, or its current one for code a step added.</summary>
    public int OffsetOf(Instruction instruction) => offsets.TryGetValue(instruction, out var offset) ? offset : instruction.Offset;

    /// <summary>The source lines of <paramref name="method"/> by original offset.</summary>
    internal SourceLines LinesOf(MethodDefinition method) =>
        lines.TryGetValue(method, out var known) ? known : new SourceLines(method);
}
