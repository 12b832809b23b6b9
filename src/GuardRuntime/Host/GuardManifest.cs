using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GuardRuntime;

/// <summary>
/// The description of a woven module that the weaver embeds as a managed resource: its targets and its sites.
/// The runtime reads it once, when the module registers.
/// </summary>
public sealed class GuardManifest
{
    /// <summary>The name of the managed resource that holds the manifest in a woven assembly.</summary>
    public const string ResourceName = "Weaver.GuardManifest.json";

    /// <summary>The manifest format version this runtime reads.</summary>
    public const int CurrentFormat = 1;

    /// <summary>The manifest format version.</summary>
    public int Format { get; init; } = CurrentFormat;

    /// <summary>The simple name of the woven assembly.</summary>
    public string Module { get; init; } = "";

    /// <summary>The version of the weaver that wove the module.</summary>
    public string WeaverVersion { get; init; } = "";

    /// <summary>A hash of the options the module was woven with.</summary>
    public string OptionsHash { get; init; } = "";

    /// <summary>Every target of the module, indexed by id.</summary>
    public IReadOnlyList<GuardTarget> Targets { get; init; } = [];

    /// <summary>Every guarded site of the module, indexed by id.</summary>
    public IReadOnlyList<GuardSite> Sites { get; init; } = [];

    /// <summary>Serializes the manifest (used by the weaver).</summary>
    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, SerializerOptions);

    /// <summary>Reads a manifest from its JSON form; throws <see cref="InvalidDataException"/> when it is malformed.</summary>
    public static GuardManifest FromUtf8Json(ReadOnlySpan<byte> json)
    {
        GuardManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<GuardManifest>(json, SerializerOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The guard manifest is malformed: {e.Message}", e);
        }
        if (manifest is null || manifest.Format != CurrentFormat)
            throw new InvalidDataException($"The guard manifest has format {manifest?.Format}, this runtime reads {CurrentFormat}.");
        for (int i = 0; i < manifest.Targets.Count; i++)
            if (manifest.Targets[i].Id != i) throw new InvalidDataException($"Guard manifest target {i} has id {manifest.Targets[i].Id}.");
        for (int i = 0; i < manifest.Sites.Count; i++)
        {
            var site = manifest.Sites[i];
            if (site.Id != i) throw new InvalidDataException($"Guard manifest site {i} has id {site.Id}.");
            if ((uint)site.TargetId >= (uint)manifest.Targets.Count)
                throw new InvalidDataException($"Guard manifest site {i} names target {site.TargetId}, which does not exist.");
        }
        return manifest;
    }

    /// <summary>Reads the manifest embedded in a woven assembly, or returns null when it has none.</summary>
    public static GuardManifest? FromAssembly(Assembly assembly)
    {
        using var stream = assembly.GetManifestResourceStream(ResourceName);
        if (stream is null) return null;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return FromUtf8Json(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    private static readonly JsonSerializerOptions SerializerOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };
}
