namespace Kernel;

/// <summary>
/// A round-robin scheduler: a run queue of tasks and the task that is current. Public fields, like the kernel's
/// per-CPU run queue, because a module that rewrites <see cref="Current"/> or the queue is exactly the threat.
/// </summary>
public sealed class Scheduler
{
    /// <summary>The runnable tasks, in run order.</summary>
    public KernelTask[] RunQueue;

    /// <summary>How many entries of <see cref="RunQueue"/> are in use.</summary>
    public int RunnableCount;

    /// <summary>The task on the CPU.</summary>
    public KernelTask Current;

    /// <summary>How many context switches happened.</summary>
    public long ContextSwitches;

    /// <summary>The time slice in simulated nanoseconds.</summary>
    public long TimeSliceNs = 4_000_000;

    /// <summary>Creates a scheduler whose only task is <paramref name="init"/>.</summary>
    public Scheduler(KernelTask init, int capacity = 64)
    {
        RunQueue = new KernelTask[capacity];
        RunQueue[0] = init;
        RunnableCount = 1;
        Current = init;
    }

    /// <summary>Adds a runnable task to the tail of the run queue.</summary>
    /// <exception cref="InvalidOperationException">The run queue is full.</exception>
    public void Enqueue(KernelTask task)
    {
        if (RunnableCount == RunQueue.Length) throw new InvalidOperationException("Run queue is full.");
        task.State = TaskState.Running;
        RunQueue[RunnableCount++] = task;
    }

    /// <summary>Makes <paramref name="task"/> current (it must be on the run queue).</summary>
    public void SwitchTo(KernelTask task)
    {
        if (Array.IndexOf(RunQueue, task, 0, RunnableCount) < 0) throw new ArgumentException("Task is not runnable.", nameof(task));
        if (!ReferenceEquals(Current, task)) ContextSwitches++;
        Current = task;
    }

    /// <summary>Charges <paramref name="ns"/> of run time to the current task and rotates when its slice is used up.</summary>
    public void Account(long ns)
    {
        Current.RuntimeNs += ns;
        if (RunnableCount > 1 && Current.RuntimeNs % TimeSliceNs < ns)
        {
            int index = Array.IndexOf(RunQueue, Current, 0, RunnableCount);
            Current = RunQueue[(index + 1) % RunnableCount];
            ContextSwitches++;
        }
    }
}
