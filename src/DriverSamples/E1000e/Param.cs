using System.Globalization;
using Kernel;

namespace E1000e;

/// <summary>
/// Module parameters (param.c). Each is read from the kernel command line as <c>e1000e.Name=value</c> and validated
/// like e1000_validate_option: a range option is clamped to its bounds, an enable option accepts 0/1, and an invalid
/// value falls back to the default with a warning. The values are per module instance; nothing is static.
/// </summary>
public sealed class E1000eParams
{
    public const int MinTxd = 80, MaxTxd = 4096, DefaultTxd = 256, MinRxd = 80, MaxRxd = 4096, DefaultRxd = 256;
    public const int DefaultItr = 3, MinItr = 100, MaxItr = 100_000;

    public int TxDescriptors = DefaultTxd;
    public int RxDescriptors = DefaultRxd;
    /// <summary>0 = off, 1 = dynamic, 3 = dynamic conservative, 4 = simplified, or 100..100000 interrupts/s.</summary>
    public int InterruptThrottleRate = DefaultItr;
    public int RxIntDelay;
    public int RxAbsIntDelay = 8;
    public int TxIntDelay = 8;
    public int TxAbsIntDelay = 32;
    public bool SmartPowerDownEnable;
    public bool CrcStripping = true;
    public bool TxCsumOffload = true;
    public bool RxCsumOffload = true;
    public int Copybreak = 256;
    public int WatchdogPeriodUs = 10_000;
    public readonly List<string> Warnings = [];

    /// <summary>Reads and validates every parameter from <paramref name="kernel"/>'s command line.</summary>
    public static E1000eParams FromKernel(KernelApi kernel)
    {
        var p = new E1000eParams();
        p.TxDescriptors = RangeOption(kernel, p, "TxDescriptors", DefaultTxd, MinTxd, MaxTxd) & ~7;
        p.RxDescriptors = RangeOption(kernel, p, "RxDescriptors", DefaultRxd, MinRxd, MaxRxd) & ~7;
        p.InterruptThrottleRate = ItrOption(kernel, p);
        p.RxIntDelay = RangeOption(kernel, p, "RxIntDelay", 0, 0, 0xFFFF);
        p.RxAbsIntDelay = RangeOption(kernel, p, "RxAbsIntDelay", 8, 0, 0xFFFF);
        p.TxIntDelay = RangeOption(kernel, p, "TxIntDelay", 8, 0, 0xFFFF);
        p.TxAbsIntDelay = RangeOption(kernel, p, "TxAbsIntDelay", 32, 0, 0xFFFF);
        p.SmartPowerDownEnable = EnableOption(kernel, p, "SmartPowerDownEnable", false);
        p.CrcStripping = EnableOption(kernel, p, "CrcStripping", true);
        p.TxCsumOffload = EnableOption(kernel, p, "TxCsumOffload", true);
        p.RxCsumOffload = EnableOption(kernel, p, "RxCsumOffload", true);
        p.Copybreak = RangeOption(kernel, p, "copybreak", 256, 0, 1518);
        p.WatchdogPeriodUs = RangeOption(kernel, p, "WatchdogPeriodUs", 10_000, 100, 2_000_000);
        foreach (var warning in p.Warnings) kernel.Printk(LogLevel.Warning, "e1000e", warning);
        return p;
    }

    private static int? Raw(KernelApi kernel, E1000eParams p, string name)
    {
        string? text = kernel.GetModuleParameter("e1000e", name);
        if (text is null) return null;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)) return value;
        p.Warnings.Add($"Invalid {name} value '{text}', using default");
        return null;
    }

    private static int RangeOption(KernelApi kernel, E1000eParams p, string name, int def, int min, int max)
    {
        int? value = Raw(kernel, p, name);
        if (value is null) return def;
        if (value >= min && value <= max) return value.Value;
        p.Warnings.Add($"Invalid {name} value specified ({value}) using default of {def}");
        return def;
    }

    private static bool EnableOption(KernelApi kernel, E1000eParams p, string name, bool def)
    {
        int? value = Raw(kernel, p, name);
        switch (value)
        {
            case null: return def;
            case 0: return false;
            case 1: return true;
            default:
                p.Warnings.Add($"Invalid {name} value specified ({value}) using default of {(def ? 1 : 0)}");
                return def;
        }
    }

    private static int ItrOption(KernelApi kernel, E1000eParams p)
    {
        int? value = Raw(kernel, p, "InterruptThrottleRate");
        if (value is null) return DefaultItr;
        return value switch
        {
            0 or 1 or 3 or 4 => value.Value,
            >= MinItr and <= MaxItr => value.Value,
            _ => Invalid(),
        };

        int Invalid()
        {
            p.Warnings.Add($"Invalid InterruptThrottleRate value specified ({value}) using default of {DefaultItr}");
            return DefaultItr;
        }
    }

    /// <summary>Translates the throttle parameter into the adapter's (setting, initial rate) pair (e1000e_check_options).</summary>
    public (int Setting, uint Itr) ItrMode() => InterruptThrottleRate switch
    {
        0 => (0, 0),
        1 => (1, 20000),
        3 => (3, 20000),
        4 => (4, 20000),
        var v => (v & ~3, (uint)v),
    };
}
