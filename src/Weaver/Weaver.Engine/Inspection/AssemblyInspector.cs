using GuardRuntime;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Guards;
using Weaver.Engine.Pipeline;

namespace Weaver.Engine.Inspection;

/// <summary>One store instruction that has no guard in front of it.</summary>
public sealed record UnguardedStore(string Method, int ILOffset, string OpCode);

/// <summary>What <c>weaver inspect</c> finds in an assembly.</summary>
public sealed record InspectionResult(
    string Assembly,
    string? Marker,
    GuardManifest? Manifest,
    IReadOnlyDictionary<string, int> GuardedByOpcode,
    IReadOnlyList<UnguardedStore> Unguarded,
    int Methods)
{
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
    public static InspectionResult Inspect(string path)
    {
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
                foreach (var instruction in method.Body.Instructions)
                {
                    if (!StoreOpcodes.IsStore(StoreOpcodes.Family(instruction.OpCode))) continue;
                    var name = StoreOpcodes.ReportName(instruction.OpCode);
                    if (HasGuard(instruction)) guarded[name] = guarded.GetValueOrDefault(name) + 1;
                    else unguarded.Add(new UnguardedStore(TypeNames.Method(method), instruction.Offset, name));
                }
            }
        }
        var manifestResource = module.Resources.OfType<EmbeddedResource>().FirstOrDefault(r => r.Name == GuardManifest.ResourceName);
        var manifest = manifestResource is null ? null : GuardManifest.FromBytes(manifestResource.GetResourceData());
        return new InspectionResult(module.Assembly?.Name.Name ?? module.Name, module.Assembly is null ? null : Marker.Read(module.Assembly),
            manifest, guarded, unguarded, methods);
    }

    // The guard sequences end with: call Guard::Store*; [ldloc ...up to 2]; [prefixes]; store.
    private static bool HasGuard(Instruction store)
    {
        var p = store.Previous;
        while (p is not null && p.OpCode.OpCodeType == OpCodeType.Prefix) p = p.Previous;
        for (int reloads = 0; p is not null && reloads < 2 && IsLoadLocal(p.OpCode.Code); reloads++) p = p.Previous;
        return p is { OpCode.Code: Code.Call, Operand: MethodReference { DeclaringType: { Namespace: "GuardRuntime", Name: "Guard" } } m }
               && m.Name.StartsWith("Store", StringComparison.Ordinal);
    }

    private static bool IsLoadLocal(Code code) =>
        code is Code.Ldloc or Code.Ldloc_S or Code.Ldloc_0 or Code.Ldloc_1 or Code.Ldloc_2 or Code.Ldloc_3;
}
