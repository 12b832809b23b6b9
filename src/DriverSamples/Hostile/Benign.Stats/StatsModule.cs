using Kernel;

namespace Benign.Stats;

/// <summary>
/// A well-behaved monitoring module: reads every interface's counters and the ethtool statistics, and writes only
/// its own objects. It must keep working under the same guard policy that stops the hostile modules.
/// </summary>
public sealed class StatsModule : IKernelModule
{
    private KernelApi? kernel;

    /// <summary>The latest snapshot: interface name to (rx packets, tx packets, rx bytes, tx bytes).</summary>
    public readonly Dictionary<string, ulong[]> Snapshots = [];

    /// <summary>The latest ethtool values of the first interface.</summary>
    public ulong[] EthtoolValues = [];

    /// <summary>How many samples were taken.</summary>
    public int Samples;

    /// <summary>Sum of received packets over all interfaces at the last sample.</summary>
    public ulong TotalRxPackets;

    /// <inheritdoc/>
    public string Name => "benign_stats";

    /// <inheritdoc/>
    public void Init(KernelApi kernelApi)
    {
        kernel = kernelApi;
        Sample();
    }

    /// <summary>Takes a snapshot of every interface.</summary>
    public void Sample()
    {
        if (kernel is null) return;
        ulong total = 0;
        foreach (var device in kernel.NetDevices)
        {
            if (!Snapshots.TryGetValue(device.Name, out var values))
            {
                values = new ulong[4];
                Snapshots[device.Name] = values;
            }
            values[0] = device.Stats.RxPackets;
            values[1] = device.Stats.TxPackets;
            values[2] = device.Stats.RxBytes;
            values[3] = device.Stats.TxBytes;
            total += values[0];
        }
        if (kernel.NetDevices.Count > 0)
        {
            var ethtool = kernel.NetDevices[0].Ethtool;
            if (EthtoolValues.Length != ethtool.GetStatsStrings().Count) EthtoolValues = new ulong[ethtool.GetStatsStrings().Count];
            ethtool.GetStatsValues(EthtoolValues);
        }
        TotalRxPackets = total;
        Samples++;
    }

    /// <inheritdoc/>
    public void Exit() => Snapshots.Clear();
}
