using GuardRuntime;
using Kernel.Net;

namespace Kernel;

/// <summary>
/// NET_RX softirq: the list of scheduled NAPI contexts, polled with a per-context budget until each completes.
/// A poll routine that throws is contained (the context is dropped and a fault recorded).
/// </summary>
public sealed class Softirq
{
    /// <summary>The per-poll budget (<c>NAPI_POLL_WEIGHT</c>).</summary>
    public const int Weight = 64;

    /// <summary>How many rounds one softirq run makes before yielding (<c>netdev_budget</c> / weight).</summary>
    public const int MaxRounds = 8;

    private readonly List<(INapiPoller Napi, string Owner)> scheduled = [];
    private readonly Action<ModuleFault> onFault;

    internal Softirq(Action<ModuleFault> onFault) => this.onFault = onFault;

    /// <summary>How many polls ran.</summary>
    public long Polls { get; private set; }

    /// <summary>Whether any context is waiting to be polled.</summary>
    public bool Pending => scheduled.Count > 0;

    internal void Schedule(INapiPoller napi, string owner)
    {
        if (!scheduled.Exists(s => ReferenceEquals(s.Napi, napi))) scheduled.Add((napi, owner));
    }

    internal void RemoveOwned(Func<object?, bool> owned) => scheduled.RemoveAll(s => owned(s.Napi));

    internal bool Complete(INapiPoller napi, int workDone)
    {
        if (workDone >= Weight) return false;
        return scheduled.RemoveAll(s => ReferenceEquals(s.Napi, napi)) > 0;
    }

    /// <summary>Polls scheduled contexts for up to <see cref="MaxRounds"/> rounds.</summary>
    public void Run()
    {
        for (int round = 0; round < MaxRounds && scheduled.Count > 0; round++)
        {
            foreach (var (napi, owner) in scheduled.ToArray())
            {
                try
                {
                    Polls++;
                    using var scope = ModuleFaults.Scope();
                    napi.Poll(Weight);
                }
                catch (Exception e)
                {
                    scheduled.RemoveAll(s => ReferenceEquals(s.Napi, napi));
                    onFault(new ModuleFault(owner, "napi", e.GetType().FullName ?? e.GetType().Name, e.Message));
                }
            }
        }
    }
}
