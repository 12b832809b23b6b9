namespace Weaver.Engine.Options;

/// <summary>How a weave option's value is written.</summary>
public enum WeaveOptionKind
{
    /// <summary>One value (a path, a guard list); empty means the default.</summary>
    Text,
    /// <summary>Any number of values: repeatable on the command line, a semicolon list in MSBuild.</summary>
    List,
    /// <summary><c>true</c> or <c>false</c>; a bare CLI flag means true.</summary>
    Bool,
}

/// <summary>
/// One option of a weave, as both front ends spell it: <c>weaver weave --{CliName}</c> and the MSBuild property
/// <c>$({MSBuildProperty})</c>, which the targets pass to <c>WeaveTask.{TaskParameter}</c>. The CLI command and the
/// task are built from <see cref="WeaveOptionTable"/> and bound by <see cref="WeaveOptionBinder"/>, so they cannot drift.
/// </summary>
/// <param name="Name">The option's name in the table (and in the binder).</param>
/// <param name="CliName">The long command-line name, with its dashes (<c>--allow-unchecked</c>).</param>
/// <param name="CliAlias">A short alias (<c>-r</c>), or null.</param>
/// <param name="MSBuildProperty">The MSBuild property a project sets (<c>WeaverAllowUnchecked</c>).</param>
/// <param name="TaskParameter">The <c>WeaveTask</c> parameter the targets pass it to (<c>AllowUnchecked</c>).</param>
/// <param name="Kind">How the value is written.</param>
/// <param name="Default">The value when the option is not given, as text (null: none).</param>
/// <param name="Description">What it does, for <c>--help</c> and the props file.</param>
public sealed record WeaveOptionSpec(
    string Name, string CliName, string? CliAlias, string MSBuildProperty, string TaskParameter, WeaveOptionKind Kind,
    string? Default, string Description);
