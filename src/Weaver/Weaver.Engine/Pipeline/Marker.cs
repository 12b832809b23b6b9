using Mono.Cecil;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// The mark a woven assembly carries: <c>[assembly: AssemblyMetadata("Weaver.Woven", "version=...;options=...;guards=...")]</c>.
/// It uses a framework attribute so that a woven assembly needs nothing extra to be inspected by reflection.
/// </summary>
public static class Marker
{
    /// <summary>The marker's value in <paramref name="assembly"/>, or null when it is not woven.</summary>
    public static string? Read(AssemblyDefinition assembly) =>
        assembly.CustomAttributes
            .Where(a => a.AttributeType.FullName == "System.Reflection.AssemblyMetadataAttribute" && a.ConstructorArguments.Count == 2)
            .Where(a => a.ConstructorArguments[0].Value as string == WeaverInfo.MarkerKey)
            .Select(a => a.ConstructorArguments[1].Value as string ?? "")
            .FirstOrDefault();

    /// <summary>Adds the marker to <paramref name="module"/>'s assembly.</summary>
    public static void Write(ModuleDefinition module, string value)
    {
        var attributeType = new TypeReference("System.Reflection", "AssemblyMetadataAttribute", module, module.TypeSystem.CoreLibrary);
        var ctor = new MethodReference(".ctor", module.TypeSystem.Void, attributeType) { HasThis = true };
        ctor.Parameters.Add(new ParameterDefinition(module.TypeSystem.String));
        ctor.Parameters.Add(new ParameterDefinition(module.TypeSystem.String));
        var attribute = new CustomAttribute(module.ImportReference(ctor));
        attribute.ConstructorArguments.Add(new CustomAttributeArgument(module.TypeSystem.String, WeaverInfo.MarkerKey));
        attribute.ConstructorArguments.Add(new CustomAttributeArgument(module.TypeSystem.String, value));
        module.Assembly.CustomAttributes.Add(attribute);
    }

    /// <summary>Parses a marker value into its key/value pairs.</summary>
    public static IReadOnlyDictionary<string, string> Parse(string value) =>
        value.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1]);
}
