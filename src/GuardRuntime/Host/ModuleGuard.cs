using System.Reflection;

namespace GuardRuntime;

/// <summary>
/// A woven module as the guard runtime knows it: its manifest and the compiled policy its checks read.
/// Woven code holds one instance in a static readonly field and passes it to every check.
/// </summary>
/// <remarks>
/// A quarantined module stays quarantined for the life of the process: installing a new policy does not lift it
/// (every policy compiled for the module afterwards is replaced by one that refuses every store). Hosts must call
/// <see cref="ThrowIfQuarantined"/> before entering a module (calling its entry points or callbacks), because a
/// quarantined module that never stores again would otherwise keep running.
/// </remarks>
public sealed class ModuleGuard : ModuleHandle
{
    // Guards the pair (policy, quarantinedBy) against the race of a policy install and a quarantine: without it an
    // install that read "not quarantined" could publish a permissive table after the quarantine published its
    // refusing one. Only installs and quarantines take it; checks read the field without it.
    private readonly object gate = new();
    private GuardViolation? quarantinedBy;

    internal ModuleGuard(Assembly assembly, GuardManifest manifest, string? sha256)
        : base(ModulePolicy.AllowAll(manifest.Targets.Count))
    {
        Assembly = assembly;
        manifest_ = manifest;
        Sha256 = sha256;
    }

    /// <summary>The module's name: the one the host bound it to (<see cref="ModuleBindings"/>), else its assembly's.</summary>
    public string Name => BoundName ?? Manifest.Module;

    /// <summary>
    /// The name the host bound the module to, which selects its policy section; null for a module no host named,
    /// which gets the default section only (its own assembly name is never trusted to pick a section).
    /// </summary>
    public string? BoundName { get; internal init; }

    /// <summary>The woven assembly (for a module registered from a manifest alone, as tests do, the caller's assembly).</summary>
    public Assembly Assembly { get; }

    /// <summary>Whether the module was registered from a manifest alone rather than by a woven assembly.</summary>
    internal bool Detached { get; init; }

    /// <summary>
    /// The targets and sites the weaver recorded, and those of code the module generated at run time (appended, never
    /// renumbered: see <c>CodeGeneration.DynamicTargets</c>).
    /// </summary>
    public GuardManifest Manifest => Volatile.Read(ref manifest_);

    private GuardManifest manifest_;

    // Replaced only under the policy lock, before any code that uses the new ids can run.
    internal void ExtendManifest(GuardManifest extended) => Volatile.Write(ref manifest_, extended);

    /// <summary>The SHA-256 of the module's file (hex), when it was loaded from a file; policies may pin it.</summary>
    public string? Sha256 { get; }

    /// <summary>The compiled policy the checks read now. Replaced as a whole, so a check sees the old or the new one.</summary>
    // A plain load: the policy is published with a release write and everything a check reads is reached through this
    // reference, so data dependency orders the reads (an acquire load would cost a barrier on Arm64 in the hot path).
    public ModulePolicy Policy => (ModulePolicy)Checks;

    /// <summary>Whether a quarantine verdict has faulted the module.</summary>
    public bool IsQuarantined => Volatile.Read(ref quarantinedBy) is not null;

    /// <summary>The violation that quarantined the module, if any.</summary>
    public GuardViolation? QuarantinedBy => Volatile.Read(ref quarantinedBy);

    /// <summary>
    /// Whether the module may not run at all: it is quarantined, or the policy in force refuses it (its file does not
    /// match the SHA-256 the policy pins for it).
    /// </summary>
    public bool IsRefused => IsQuarantined || Policy.Refusal is not null;

    /// <summary>Publishes a newly compiled policy with one reference write.</summary>
    internal void Install(ModulePolicy compiled)
    {
        lock (gate) Publish(quarantinedBy is not null ? compiled.Quarantined() : compiled);
    }

    // An unloaded module: every later store is refused, like a quarantine, with the reason said.
    internal void Retire()
    {
        var targets = Manifest.Targets;
        var target = targets.Count > 0 ? targets[0] : new GuardTarget(0, TargetKind.Call, "(none)", null);
        Quarantine(new GuardViolation(Name, new GuardSite(0, "(module unload)", 0, null, 0, 0), target, null,
            "unload", GuardAction.Quarantine, "module was unloaded by the host"));
    }

    internal void Quarantine(GuardViolation cause)
    {
        lock (gate)
        {
            if (quarantinedBy is not null) return;
            Volatile.Write(ref quarantinedBy, cause);
            Publish(Policy.Quarantined());
        }
    }

    /// <summary>
    /// Throws <see cref="ModuleQuarantinedException"/> when the module is quarantined or refused by the policy in
    /// force (SHA-256 pin mismatch). Hosts call it before entering a module.
    /// </summary>
    public void ThrowIfQuarantined()
    {
        var cause = QuarantinedBy;
        if (cause is not null) throw new ModuleQuarantinedException(cause with { Detail = "module is quarantined" });
        var refusal = Policy.Refusal;
        if (refusal is not null) throw new ModuleQuarantinedException(refusal);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Manifest.Targets.Count} targets, {Manifest.Sites.Count} sites)";
}
