using GuardRuntime;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;
using Weaver.Engine.Guards;
using Weaver.Engine.Pipeline;

namespace Weaver.Engine.Inspection;

/// <summary>One store instruction that has no guard in front of it.</summary>
public sealed record UnguardedStore(string Method, int ILOffset, string OpCode);

/// <summary>One store (or formation check) of a method, as <c>weaver inspect --explain</c> prints it.</summary>
public sealed record ExplainedStore(string Method, int ILOffset, string OpCode, string Checks, string Reason);

/// <summary>What <c>weaver inspect</c> finds in an assembly.</summary>
public sealed record InspectionResult(
    string Assembly,
    string? Marker,
    GuardManifest? Manifest,
    IReadOnlyDictionary<string, int> GuardedByOpcode,
    IReadOnlyList<UnguardedStore> Unguarded,
    int Methods)
{
    /// <summary>
    /// Stores that need no address check (or no guard), by reason (<c>stack</c>, <c>checked-at-formation</c>), and
    /// the formation checks that stand in for them (<c>formation-checks</c>); see docs/security-model.md.
    /// </summary>
    public IReadOnlyDictionary<string, int> EliminatedByReason { get; init; } = new Dictionary<string, int>();

    /// <summary>For <c>--explain</c>: every store of the methods asked for, with its checks or the reason it has none.</summary>
    public IReadOnlyList<ExplainedStore> Explained { get; init; } = [];

    /// <summary>Whether the assembly carries the weaver's marker.</summary>
    public bool IsWoven => Marker is not null;
}

/// <summary>
/// Reads an assembly without running it and reports whether it is woven, by which weaver, and, by looking at every
/// store instruction, whether each one is preceded by its guard.
/// </summary>
public static class AssemblyInspector
{
    /// <summary>Inspects the assembly at <paramref name="path"/>.</summary>
    public static InspectionResult Inspect(string path) => Inspect(path, null);

    /// <summary>
    /// Inspects the assembly at <paramref name="path"/>; for methods whose <c>Type::Method</c> name (or full
    /// signature) is <paramref name="explain"/>, lists every store with its guard or the reason it has none.
    /// </summary>
    public static InspectionResult Inspect(string path, string? explain)
    {
        var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var explained = new List<ExplainedStore>();
        using var module = ModuleDefinition.ReadModule(new MemoryStream(File.ReadAllBytes(path)), new ReaderParameters(ReadingMode.Immediate));
        var guarded = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var unguarded = new List<UnguardedStore>();
        int methods = 0;
        foreach (var type in module.GetTypes())
        {
            if (type.Name == WeaverInfo.GuardHolderName && type.Namespace.Length == 0) continue;
            foreach (var method in type.Methods.Where(m => m.HasBody))
            {
                methods++;
                var methodName = TypeNames.Method(method);
                bool explaining = explain is not null && (methodName == explain
                    || methodName.StartsWith(explain + "(", StringComparison.Ordinal));
                method.Body.SimplifyMacros(); // every local instruction names its variable; offsets stay as read
                var formed = StoreReasons.FormedLocals(method.Body);
                foreach (var instruction in method.Body.Instructions)
                {
                    if (StoreReasons.IsFormation(instruction, formed))
                    {
                        reasons["formation-checks"] = reasons.GetValueOrDefault("formation-checks") + 1;
                        if (explaining)
                            explained.Add(new(methodName, instruction.Offset, "stloc", "StoreAddress", "formation check"));
                        continue;
                    }
                    if (!StoreOpcodes.IsStore(StoreOpcodes.Family(instruction.OpCode))) continue;
                    var name = StoreOpcodes.ReportName(instruction.OpCode);
                    var (checks, reason) = StoreReasons.Classify(instruction, formed);
                    if (reason is not null) reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
                    if (checks is not null) guarded[name] = guarded.GetValueOrDefault(name) + 1;
                    else if (reason is null) unguarded.Add(new UnguardedStore(methodName, instruction.Offset, name));
                    if (explaining)
                        explained.Add(new(methodName, instruction.Offset, name, checks ?? "-",
                            reason ?? (checks is null ? "UNGUARDED" : "guarded")));
                }
            }
        }
        var manifestResource = module.Resources.OfType<EmbeddedResource>().FirstOrDefault(r => r.Name == GuardManifest.ResourceName);
        var manifest = manifestResource is null ? null : GuardManifest.FromBytes(manifestResource.GetResourceData());
        return new InspectionResult(module.Assembly?.Name.Name ?? module.Name, module.Assembly is null ? null : Marker.Read(module.Assembly),
            manifest, guarded, unguarded, methods) { EliminatedByReason = reasons, Explained = explained };
    }
}
