namespace Weaver.Engine.Pipeline;

/// <summary>Marks the assembly as woven, with the weaver version, the options hash and the guard count.</summary>
public sealed class MarkStep : IWeaveStep
{
    /// <inheritdoc/>
    public void Run(WeaveContext context)
    {
        var report = context.Report;
        report.OptionsHash = context.Options.Hash();
        Marker.Write(context.Module,
            $"version={WeaverInfo.Version};options={report.OptionsHash};guards={report.TotalGuards};memoized={report.Memoized.Count}");
    }
}
