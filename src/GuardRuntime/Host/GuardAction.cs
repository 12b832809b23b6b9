namespace GuardRuntime;

/// <summary>What happens when a module's store hits a rule.</summary>
public enum GuardAction : byte
{
    /// <summary>The store goes ahead and nothing is recorded.</summary>
    Allow = 0,
    /// <summary>The store goes ahead and the violation is recorded (log, metrics, subscribers).</summary>
    Audit = 1,
    /// <summary>The store does not happen: a <see cref="GuardViolationException"/> is thrown into the module at the faulting store.</summary>
    Throw = 2,
    /// <summary>
    /// The store does not happen, the violation is thrown like <see cref="Throw"/>, and the module is marked faulted:
    /// every later store of the module, and every later entry into it, is refused.
    /// </summary>
    Quarantine = 3,
    /// <summary>The process stops at once (<see cref="Environment.FailFast(string)"/>): the paper's behaviour.</summary>
    Halt = 4,
}
