using System.Reflection;

namespace GuardRuntime;

/// <summary>
/// A woven module as the guard runtime knows it: its manifest and the compiled policy its checks read.
/// Woven code holds one instance in a static readonly field and passes it to every check.
/// </summary>
public sealed class ModuleGuard
{
    private ModulePolicy policy;
    private GuardViolation? quarantinedBy;

    internal ModuleGuard(Assembly assembly, GuardManifest manifest, string? sha256)
    {
        Assembly = assembly;
        Manifest = manifest;
        Sha256 = sha256;
        policy = ModulePolicy.AllowAll(manifest.Targets.Count);
    }

    /// <summary>The module's assembly simple name, which policy sections refer to.</summary>
    public string Name => Manifest.Module;

    /// <summary>The woven assembly.</summary>
    public Assembly Assembly { get; }

    /// <summary>The targets and sites the weaver recorded.</summary>
    public GuardManifest Manifest { get; }

    /// <summary>The SHA-256 of the module's file (hex), when it was loaded from a file; policies may pin it.</summary>
    public string? Sha256 { get; }

    /// <summary>The compiled policy the checks read now. Replaced as a whole, so a check sees the old or the new one.</summary>
    public ModulePolicy Policy => policy;

    /// <summary>Whether a quarantine verdict has faulted the module.</summary>
    public bool IsQuarantined => Volatile.Read(ref quarantinedBy) is not null;

    /// <summary>The violation that quarantined the module, if any.</summary>
    public GuardViolation? QuarantinedBy => Volatile.Read(ref quarantinedBy);

    /// <summary>Publishes a newly compiled policy with one reference write.</summary>
    internal void Install(ModulePolicy compiled) => Volatile.Write(ref policy, IsQuarantined ? compiled.Quarantined() : compiled);

    internal void Quarantine(GuardViolation cause)
    {
        if (Interlocked.CompareExchange(ref quarantinedBy, cause, null) is null)
            Volatile.Write(ref policy, policy.Quarantined());
    }

    /// <summary>Throws <see cref="ModuleQuarantinedException"/> when the module is quarantined; hosts call it before entering a module.</summary>
    public void ThrowIfQuarantined()
    {
        var cause = QuarantinedBy;
        if (cause is not null) throw new ModuleQuarantinedException(cause with { Detail = "module is quarantined" });
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Manifest.Targets.Count} targets, {Manifest.Sites.Count} sites)";
}
