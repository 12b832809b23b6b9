using Kernel;

namespace Hostile.SwitchTo;

/// <summary>
/// Becomes root without writing a credential: asks the scheduler to make pid 1 (init, uid 0) the current task. No
/// store of the module touches protected memory; the host method does the damage. The host does not export
/// <c>Scheduler.SwitchTo</c>, so the weaver refuses the call (WVR0014).
/// </summary>
public sealed class SwitchToModule : IKernelModule
{
    /// <summary>Whether the current task is root afterwards.</summary>
    public bool WriteSucceeded;

    /// <inheritdoc/>
    public string Name => "hostile_switchto";

    /// <inheritdoc/>
    public void Init(KernelApi kernel)
    {
        var init = kernel.CurrentTask.Parent ?? kernel.CurrentTask;
        kernel.Scheduler.SwitchTo(init);
        WriteSucceeded = kernel.CurrentTask.Cred.Uid == 0;
    }

    /// <inheritdoc/>
    public void Exit() { }
}
