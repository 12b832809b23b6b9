namespace Kernel;

/// <summary>
/// Global kernel configuration as public static fields, the analogue of kernel globals such as
/// <c>sig_enforce</c> or <c>panic_on_oops</c>. A module that flips one of these weakens the whole system, so they
/// are named by policies as static-field targets (e.g. <c>Kernel.KernelConfig::ModuleSigEnforce</c>).
/// </summary>
public static class KernelConfig
{
    /// <summary>Whether the machine booted with secure boot.</summary>
    public static bool SecureBoot = true;

    /// <summary>Whether unsigned modules are refused.</summary>
    public static bool ModuleSigEnforce = true;

    /// <summary>Whether an oops escalates to a panic.</summary>
    public static bool PanicOnOops;

    /// <summary>The host name (<c>utsname()->nodename</c>).</summary>
    public static string Hostname = "carat-kop";

    /// <summary>The kernel log level below which messages are printed.</summary>
    public static int ConsoleLogLevel = 7;

    /// <summary>Restores the boot defaults (tests call this between runs).</summary>
    public static void ResetToDefaults()
    {
        SecureBoot = true;
        ModuleSigEnforce = true;
        PanicOnOops = false;
        Hostname = "carat-kop";
        ConsoleLogLevel = 7;
    }
}
