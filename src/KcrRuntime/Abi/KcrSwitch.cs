namespace KcrRuntime;

/// <summary>
/// The global on/off switch, folded into every table's stamp: switching recomputes the stamps.
/// </summary>
internal static class KcrSwitch
{
    /// <summary>Name of the environment variable read once at startup.</summary>
    internal const string EnvironmentVariable = "KCR_ENABLE";

    private static volatile bool s_enabled = Parse(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>The switch; setting it recomputes every table's stamp, so the hit path never reads it.</summary>
    internal static bool Enabled
    {
        get => s_enabled;
        set
        {
            s_enabled = value;
            foreach (MemoTable table in TableRegistry.Snapshot)
            {
                table.RefreshStamp();
            }
        }
    }

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
