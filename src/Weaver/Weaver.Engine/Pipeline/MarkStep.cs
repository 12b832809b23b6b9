using GuardRuntime;
using Mono.Cecil;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// Embeds the manifest of targets and sites that the guard runtime reads when the module registers, and marks the
/// assembly as woven with the weaver version, the options hash and the counts.
/// </summary>
public sealed class MarkStep : IWeaveStep
{
    /// <inheritdoc/>
    public bool ProducesOutput => true;

    /// <inheritdoc/>
    public void Run(WeaveContext context)
    {
        var report = context.Report;
        report.OptionsHash = context.Options.Hash();
        if (context.Guards is { } guards)
        {
            var manifest = new GuardManifest
            {
                Module = context.Module.Assembly.Name.Name,
                WeaverVersion = WeaverInfo.Version,
                OptionsHash = report.OptionsHash,
                Targets = guards.Targets.Targets,
                Sites = guards.Sites.Sites,
            };
            context.Module.Resources.Add(new EmbeddedResource(GuardManifest.ResourceName, ManifestResourceAttributes.Private, manifest.ToBytes()));
            report.Targets = guards.Targets.Targets.Count;
        }
        Marker.Write(context.Module,
            $"version={WeaverInfo.Version};options={report.OptionsHash};guards={report.TotalGuards};memoized={report.Memoized.Count}");
    }
}
