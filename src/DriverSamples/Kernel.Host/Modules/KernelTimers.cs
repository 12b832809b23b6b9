using GuardRuntime;

namespace Kernel;

/// <summary>One-shot kernel timers (<c>timer_list</c>), keyed by an owner-chosen object and run from softirq context.</summary>
public sealed class KernelTimers
{
    private readonly Dictionary<object, (long Expires, Action Callback, string Owner)> timers = new(ReferenceEqualityComparer.Instance);
    private readonly Action<ModuleFault> onFault;

    internal KernelTimers(Action<ModuleFault> onFault) => this.onFault = onFault;

    /// <summary>How many timers are armed.</summary>
    public int Pending => timers.Count;

    internal void Arm(object key, long expiresNs, Action callback, string owner) => timers[key] = (expiresNs, callback, owner);

    internal bool Cancel(object key) => timers.Remove(key);

    internal void RemoveOwned(Func<object?, bool> owned)
    {
        foreach (var key in timers.Where(t => owned(t.Key) || owned(t.Value.Callback)).Select(t => t.Key).ToArray()) timers.Remove(key);
    }

    /// <summary>Runs (and disarms) every timer that expired by <paramref name="nowNs"/>, earliest first.</summary>
    public void Run(long nowNs)
    {
        if (timers.Count == 0) return;
        foreach (var (key, timer) in timers.Where(t => t.Value.Expires <= nowNs).OrderBy(t => t.Value.Expires).ToArray())
        {
            timers.Remove(key);
            try
            {
                using var scope = ModuleFaults.Scope();
                timer.Callback();
            }
            catch (Exception e)
            {
                onFault(new ModuleFault(timer.Owner, "timer", e.GetType().FullName ?? e.GetType().Name, e.Message));
            }
        }
    }
}
