using Mono.Cecil;

namespace Weaver.Tests.Effects;

/// <summary>
/// The framework's reference assemblies (Microsoft.NETCore.App.Ref), found from the running runtime's SDK layout:
/// <c>&lt;dotnet&gt;/shared/Microsoft.NETCore.App/&lt;v&gt;</c> → <c>&lt;dotnet&gt;/packs/Microsoft.NETCore.App.Ref/&lt;v'&gt;/ref/net&lt;major&gt;.0</c>,
/// the highest pack of the runtime's major version. No version is written down here.
/// </summary>
public static class RefPack
{
    public static string Directory
    {
        get
        {
            var runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
            var root = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
            var major = Environment.Version.Major;
            var packs = Path.Combine(root, "packs", "Microsoft.NETCore.App.Ref");
            var version = System.IO.Directory.GetDirectories(packs)
                .Select(d => (Dir: d, Ok: Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v), V: v))
                .Where(x => x.Ok && x.V!.Major == major).OrderByDescending(x => x.V).First().Dir;
            return Path.Combine(version, "ref", $"net{major}.0");
        }
    }

    /// <summary>Every public (or protected) method of every public type of the reference pack.</summary>
    public static IEnumerable<MethodDefinition> PublicMethods(IAssemblyResolver resolver)
    {
        foreach (var file in System.IO.Directory.GetFiles(Directory, "*.dll").Order())
        {
            var module = ModuleDefinition.ReadModule(file, new ReaderParameters { AssemblyResolver = resolver });
            foreach (var type in module.GetTypes())
            {
                if (!IsVisible(type)) continue;
                foreach (var method in type.Methods)
                    if (method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly) yield return method;
            }
        }
    }

    /// <summary>A resolver over the reference pack, so that parameter types resolve to their definitions.</summary>
    public static DefaultAssemblyResolver Resolver()
    {
        var resolver = new DefaultAssemblyResolver();
        foreach (var d in resolver.GetSearchDirectories()) resolver.RemoveSearchDirectory(d);
        resolver.AddSearchDirectory(Directory);
        return resolver;
    }

    private static bool IsVisible(TypeDefinition type)
    {
        for (var t = type; t is not null; t = t.DeclaringType)
            if (!(t.IsPublic || t.IsNestedPublic || t.IsNestedFamily || t.IsNestedFamilyOrAssembly)) return false;
        return true;
    }
}
