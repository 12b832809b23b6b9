using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Weaver.MSBuild.Tests.Infrastructure;

/// <summary>Reads what the tests check in a built assembly with System.Reflection.Metadata (nothing is loaded).</summary>
public static class AssemblyFacts
{
    /// <summary>The value of <c>[assembly: AssemblyMetadata("Weaver.Woven", value)]</c>, or null when the assembly is not woven.</summary>
    public static string? WovenMarker(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = metadata.GetCustomAttribute(handle);
            if (AttributeTypeName(metadata, attribute) != "System.Reflection.AssemblyMetadataAttribute") continue;
            var blob = metadata.GetBlobReader(attribute.Value);
            if (blob.ReadUInt16() != 1) continue;
            var key = blob.ReadSerializedString();
            var value = blob.ReadSerializedString();
            if (key == "Weaver.Woven") return value ?? "";
        }
        return null;
    }

    /// <summary>Whether the portable PDB beside <paramref name="path"/> is the one the assembly's CodeView entry names.</summary>
    public static bool PdbMatches(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var codeView = pe.ReadDebugDirectory().Single(e => e.Type == DebugDirectoryEntryType.CodeView);
        var expected = pe.ReadCodeViewDebugDirectoryData(codeView);
        using var pdbStream = File.OpenRead(Path.ChangeExtension(path, ".pdb"));
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdbStream);
        var id = new BlobContentId(provider.GetMetadataReader().DebugMetadataHeader!.Id);
        return id.Guid == expected.Guid && id.Stamp == codeView.Stamp;
    }

    private static string AttributeTypeName(MetadataReader metadata, CustomAttribute attribute)
    {
        var type = attribute.Constructor.Kind switch
        {
            HandleKind.MemberReference => metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent,
            HandleKind.MethodDefinition => (EntityHandle)metadata.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType(),
            _ => default,
        };
        return type.Kind switch
        {
            HandleKind.TypeReference => Name(metadata.GetTypeReference((TypeReferenceHandle)type).Namespace, metadata.GetTypeReference((TypeReferenceHandle)type).Name),
            HandleKind.TypeDefinition => Name(metadata.GetTypeDefinition((TypeDefinitionHandle)type).Namespace, metadata.GetTypeDefinition((TypeDefinitionHandle)type).Name),
            _ => "",
        };

        string Name(StringHandle ns, StringHandle name) => $"{metadata.GetString(ns)}.{metadata.GetString(name)}";
    }
}
