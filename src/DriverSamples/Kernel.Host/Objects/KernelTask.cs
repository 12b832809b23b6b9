namespace Kernel;

/// <summary>The scheduling state of a task, as in Linux <c>task_struct::__state</c>.</summary>
public enum TaskState
{
    /// <summary>Runnable or running.</summary>
    Running = 0,
    /// <summary>Sleeping, wakes on signals.</summary>
    Interruptible = 1,
    /// <summary>Sleeping, ignores signals.</summary>
    Uninterruptible = 2,
    /// <summary>Exited, not yet reaped.</summary>
    Zombie = 4,
}

/// <summary>A task (process), a cut-down <c>task_struct</c> with public fields a module must not corrupt.</summary>
public sealed class KernelTask
{
    /// <summary>The process id.</summary>
    public int Pid;

    /// <summary>The command name (at most 15 characters in Linux).</summary>
    public string Comm;

    /// <summary>The task's credentials; replacing or editing them changes what the task may do.</summary>
    public Credentials Cred;

    /// <summary>The scheduling state.</summary>
    public TaskState State;

    /// <summary>The nice value, -20..19.</summary>
    public int Nice;

    /// <summary>Accumulated run time in simulated nanoseconds.</summary>
    public long RuntimeNs;

    /// <summary>The parent task, or null for init.</summary>
    public KernelTask? Parent;

    /// <summary>Creates a task.</summary>
    public KernelTask(int pid, string comm, Credentials cred, KernelTask? parent = null)
    {
        Pid = pid;
        Comm = comm;
        Cred = cred;
        Parent = parent;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Comm}[{Pid}] uid={Cred.Uid} euid={Cred.Euid}";
}
