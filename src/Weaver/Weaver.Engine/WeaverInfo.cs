using System.Reflection;

namespace Weaver.Engine;

/// <summary>Facts about this weaver build.</summary>
public static class WeaverInfo
{
    /// <summary>The weaver's version, recorded in every woven assembly.</summary>
    public static string Version { get; } =
        typeof(WeaverInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(WeaverInfo).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    /// <summary>The key of the <see cref="AssemblyMetadataAttribute"/> that marks a woven assembly.</summary>
    public const string MarkerKey = "Weaver.Woven";

    /// <summary>The name of the type the weaver injects to hold the module's guard handle.</summary>
    public const string GuardHolderName = "<WeaverGuard>";
}
