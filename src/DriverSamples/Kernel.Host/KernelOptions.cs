using GuardRuntime.Verification;
using Kernel.Hardware;

namespace Kernel;

/// <summary>How to boot a <see cref="KernelHost"/>.</summary>
public sealed class KernelOptions
{
    /// <summary>The PCI device id of nic0 (selects the MAC variant the driver uses).</summary>
    public ushort NicDeviceId { get; init; } = E1000Registers.Device82574L;

    /// <summary>The station address burned into nic0's NVM.</summary>
    public ulong NicMac { get; init; } = 0x001B_210A_0B0C;

    /// <summary>The size of the DMA arena.</summary>
    public nuint DmaArenaBytes { get; init; } = 8 << 20;

    /// <summary>How many socket buffers the pool holds.</summary>
    public int SkbCount { get; init; } = 2048;

    /// <summary>Module parameters, <c>module.name=value</c> as on the kernel command line.</summary>
    public IReadOnlyDictionary<string, string> ModuleParameters { get; init; } = new Dictionary<string, string>();

    /// <summary>The uid of the unprivileged task that is current after boot.</summary>
    public int UserUid { get; init; } = 1000;

    /// <summary>
    /// The load-time verifier every module file (and every private dependency) must pass before any of its code is
    /// loaded; <see cref="ModuleVerifier.Default"/> when null. A host may pass its own (a stricter one, or a test's).
    /// </summary>
    public Func<ReadOnlyMemory<byte>, string, VerificationResult>? Verifier { get; init; }

    /// <summary>
    /// Loads module files without verifying them: the host's own decision, like loading unsigned modules with
    /// signature enforcement off, for running an unwoven build of a module side by side with its woven one (the
    /// demo's reference run, tests of the unwoven driver). Every such load is logged as a warning. Never for modules
    /// the host does not trust.
    /// </summary>
    public bool AllowUnverifiedModules { get; init; }
}
