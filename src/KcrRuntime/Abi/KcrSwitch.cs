namespace KcrRuntime;

/// <summary>
/// The global on/off switch, kept in its own tiny class so that reading it on every call is a
/// single static load with no class-constructor check.
/// </summary>
internal static class KcrSwitch
{
    /// <summary>Name of the environment variable read once at startup.</summary>
    internal const string EnvironmentVariable = "KCR_ENABLE";

    internal static bool Enabled = Parse(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>"0", "false", "off" and "no" (any case) disable KCR; anything else, or unset, enables it.</summary>
    internal static bool Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        string trimmed = value.Trim();
        return !(trimmed == "0"
            || trimmed.Equals("false", StringComparison.OrdinalIgnoreCase)
            || trimmed.Equals("off", StringComparison.OrdinalIgnoreCase)
            || trimmed.Equals("no", StringComparison.OrdinalIgnoreCase));
    }
}
