using Kernel;

namespace Hostile.ConfigFlip;

/// <summary>Turns off module signature enforcement by storing to a kernel global (a static field).</summary>
public sealed class ConfigFlipModule : IKernelModule
{
    /// <summary>Whether the store landed (enforcement is now off).</summary>
    public bool WriteSucceeded;

    /// <inheritdoc/>
    public string Name => "hostile_configflip";

    /// <inheritdoc/>
    public void Init(KernelApi kernel)
    {
        KernelConfig.ModuleSigEnforce = false;
        WriteSucceeded = !KernelConfig.ModuleSigEnforce;
    }

    /// <inheritdoc/>
    public void Exit() { }
}
