using Mono.Cecil;

namespace Weaver.Engine;

/// <summary>The assembly reference a woven module gets to one of our runtimes (GuardRuntime, KcrRuntime).</summary>
internal static class RuntimeReferences
{
    /// <summary>The module's reference to <paramref name="runtime"/>, added with the runtime's name and version if missing.</summary>
    public static AssemblyNameReference Get(ModuleDefinition module, System.Reflection.Assembly runtime)
    {
        var name = runtime.GetName();
        var reference = module.AssemblyReferences.FirstOrDefault(r => r.Name == name.Name);
        if (reference is null)
        {
            reference = new AssemblyNameReference(name.Name, name.Version);
            module.AssemblyReferences.Add(reference);
        }
        return reference;
    }
}
