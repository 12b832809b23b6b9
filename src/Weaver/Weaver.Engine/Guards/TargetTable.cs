using GuardRuntime;
using Mono.Cecil;

namespace Weaver.Engine.Guards;

/// <summary>Numbers the distinct write targets of a module from zero, in first-seen order.</summary>
internal sealed class TargetTable
{
    private readonly Dictionary<(TargetKind, string, string?), int> ids = [];
    private readonly List<GuardTarget> targets = [];
    private readonly string moduleAssembly;

    public TargetTable(ModuleDefinition module) => moduleAssembly = module.Assembly.Name.Name;

    public IReadOnlyList<GuardTarget> Targets => targets;

    public int Field(FieldReference field, bool isStatic) =>
        Get(isStatic ? TargetKind.StaticField : TargetKind.InstanceField,
            $"{TypeNames.Reflection(field.DeclaringType)}::{field.Name}", AssemblyOf(field.DeclaringType));

    public int Element(string elementClass) => Get(TargetKind.ArrayElement, elementClass, null);

    public int Address() => Get(TargetKind.Address, "*", null);

    public int Object() => Get(TargetKind.Object, "*", null);

    public int Call(MethodReference method) =>
        Get(TargetKind.Call, $"{TypeNames.Reflection(method.DeclaringType)}::{method.Name}", AssemblyOf(method.DeclaringType));

    private int Get(TargetKind kind, string name, string? assembly)
    {
        if (ids.TryGetValue((kind, name, assembly), out var id)) return id;
        id = targets.Count;
        targets.Add(new GuardTarget(id, kind, name, assembly));
        ids.Add((kind, name, assembly), id);
        return id;
    }

    private string? AssemblyOf(TypeReference type) => type.Scope switch
    {
        ModuleDefinition => moduleAssembly,
        AssemblyNameReference reference => reference.Name,
        _ => null,
    };
}
