using E1000e;
using Kernel;

namespace DriverSamples.Tests;

/// <summary>Boots a fresh kernel per test, with global kernel state restored before and after.</summary>
internal static class TestKernel
{
    public static KernelHost Boot(KernelOptions? options = null)
    {
        KernelConfig.ResetToDefaults();
        KernelTables.Restore();
        return new KernelHost(options);
    }

    public static (KernelHost Host, E1000eModule Driver) BootWithDriver(KernelOptions? options = null)
    {
        var host = Boot(options);
        var driver = new E1000eModule();
        var loaded = host.Modules.Load(driver);
        Assert.Equal(ModuleState.Live, loaded.State);
        Assert.Single(driver.Adapters);
        return (host, driver);
    }
}

/// <summary>Tests that touch static kernel state (KernelConfig, KernelTables) must not run in parallel.</summary>
[CollectionDefinition("kernel globals", DisableParallelization = true)]
public sealed class KernelGlobalsCollection;
