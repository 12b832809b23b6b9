using System.Runtime.CompilerServices;

namespace GuardRuntime;

/// <summary>
/// A policy compiled for one module: a byte per target that says whether a store needs any further look, and the
/// out-of-line data the slow paths use. Immutable; a module switches to a new one with a single reference write.
/// </summary>
public sealed partial class ModulePolicy : CompiledChecks
{
    /// <summary>Table value: the target is never protected; the check ends at the table.</summary>
    public const byte Unchecked = 0;
    /// <summary>Table value: apply the target's own verdict (a field, type, namespace or call rule).</summary>
    public const byte TargetVerdict = 1;
    /// <summary>Table value: look the written object or array up among the protected instances first.</summary>
    public const byte InstanceLookup = 2;
    /// <summary>Table value: look the written address up among the protected ranges.</summary>
    public const byte RangeLookup = 3;
    /// <summary>Table value: a whole object a framework call may write: look it up among instances and type rules.</summary>
    public const byte ObjectLookup = 5;
    /// <summary>Table value: refuse every store (quarantined module, or a module whose hash does not match its pin).</summary>
    public const byte Refused = 4;

    private readonly Verdict?[] targetVerdicts;
    private readonly Dictionary<object, InstanceProtection[]> instances;
    private readonly AddressMap ranges;
    private readonly GuardViolation? refusal;
    private readonly ManagedExtents managed;
    private readonly ObjectRules objectRules;

    internal ModulePolicy(byte[] table, Verdict?[] targetVerdicts, Dictionary<object, InstanceProtection[]> instances,
        AddressMap ranges, GuardViolation? refusal, ObjectRules? objectRules = null)
        : base(table)
    {
        this.objectRules = objectRules ?? ObjectRules.None;
        this.targetVerdicts = targetVerdicts;
        this.instances = instances;
        this.ranges = ranges;
        this.refusal = refusal;
        managed = new ManagedExtents(instances.Values.SelectMany(p => p));
    }

    /// <summary>One byte per target of the module (see the constants of this class).</summary>
    public byte[] Table => TargetTable;

    /// <summary>The verdict for a target when no instance or range decides, or null when the target is allowed.</summary>
    public Verdict? VerdictFor(int targetId) => targetVerdicts[targetId];

    /// <summary>The protected address intervals this module's pointer stores are checked against.</summary>
    public AddressMap Ranges => ranges;

    /// <summary>
    /// Why the module is refused as a whole (its file does not match the SHA-256 its policy section pins), or null.
    /// A quarantine that happens later is reported by <see cref="ModuleGuard.QuarantinedBy"/> instead.
    /// </summary>
    public GuardViolation? Refusal => refusal;

    /// <summary>How many protected objects and arrays this module's stores are looked up in.</summary>
    public int InstanceCount => instances.Count;

    internal static ModulePolicy AllowAll(int targets) =>
        new(new byte[targets], new Verdict?[targets], new(ReferenceEqualityComparer.Instance), AddressMap.Empty, null);

    internal static ModulePolicy RefuseAll(int targets, GuardViolation? refusal)
    {
        var table = new byte[targets];
        Array.Fill(table, Refused);
        return new(table, new Verdict?[targets], new(ReferenceEqualityComparer.Instance), AddressMap.Empty, refusal);
    }

    internal ModulePolicy Quarantined() => refusal is not null ? this : RefuseAll(Table.Length, null);

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal override void CheckField(ModuleHandle handle, object? target, int targetId, int siteId)
    {
        var module = (ModuleGuard)handle;
        GuardMetrics.SlowCheck(module);
        switch (Table[targetId])
        {
            case Refused: Refuse(module, targetId, siteId); return;
            case InstanceLookup when target is not null && instances.TryGetValue(target, out var found):
                // A region rule on the object beats every field, type or namespace rule, allow included.
                if (found[0].Verdict.Action != GuardAction.Allow) Enforce(module, found[0].Verdict, targetId, siteId, null);
                return;
        }
        if (targetVerdicts[targetId] is { } verdict) Enforce(module, verdict, targetId, siteId, null);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal override void CheckStatic(ModuleHandle handle, int targetId, int siteId)
    {
        var module = (ModuleGuard)handle;
        GuardMetrics.SlowCheck(module);
        if (Table[targetId] == Refused) Refuse(module, targetId, siteId);
        else if (targetVerdicts[targetId] is { } verdict) Enforce(module, verdict, targetId, siteId, null);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal override void CheckElement(ModuleHandle handle, object? array, nint index, int targetId, int siteId)
    {
        var module = (ModuleGuard)handle;
        GuardMetrics.SlowCheck(module);
        if (Table[targetId] == Refused) { Refuse(module, targetId, siteId); return; }
        if (array is not null && instances.TryGetValue(array, out var found))
        {
            foreach (var protection in found)
                if (protection.Region.Covers(index))
                {
                    // The detail string is built only on the way to a report: an allowed store allocates nothing.
                    if (protection.Verdict.Action != GuardAction.Allow)
                        Enforce(module, protection.Verdict, targetId, siteId, $"index {index}");
                    return;
                }
        }
        if (targetVerdicts[targetId] is { } verdict) Enforce(module, verdict, targetId, siteId, $"index {index}");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal override unsafe void CheckAddress(ModuleHandle handle, ref byte address, nuint length, int targetId, int siteId)
    {
        var module = (ModuleGuard)handle;
        GuardMetrics.SlowCheck(module);
        if (Table[targetId] == Refused) { Refuse(module, targetId, siteId); return; }
        // An unmanaged range never overlaps the GC heap, so comparing the byref's current address is exact for
        // pointers and harmless (never a match) for managed byrefs, even if the GC moves their object right after.
        var at = (nuint)Unsafe.AsPointer(ref address);
        var inRange = ranges.Find(at, length, out var hitStart, out var inside);
        if (inRange is { Action: not GuardAction.Allow } verdict)
            Enforce(module, verdict, targetId, siteId, at >= hitStart
                ? $"address 0x{at:x}+{length}, {at - hitStart} bytes into the region"
                : $"address 0x{at:x}+{length}, starting {hitStart - at} bytes before the region and running into it");
        // A pointer or byref into a protected object or array (a fixed pointer, a ref local, a span) is caught by
        // the object's current address. A write that lies wholly inside a registered unmanaged range (a device window
        // the module is allowed to write) cannot touch the GC heap, so that lookup is skipped for it.
        else if (!inside && managed.Find(ref address, length) is { Verdict.Action: not GuardAction.Allow } hit)
            Enforce(module, hit.Verdict, targetId, siteId, $"address 0x{at:x}+{length} inside a protected {hit.Region.Instance.GetType().Name}");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal override void CheckCall(ModuleHandle handle, int targetId, int siteId)
    {
        var module = (ModuleGuard)handle;
        GuardMetrics.SlowCheck(module);
        if (Table[targetId] == Refused) Refuse(module, targetId, siteId);
        else if (targetVerdicts[targetId] is { } verdict) Enforce(module, verdict, targetId, siteId, null);
    }

    /// <summary>What a halt verdict does; tests replace it to observe the decision without ending the process.</summary>
    internal static Action<string> HaltHandler = Environment.FailFast;

    private void Refuse(ModuleGuard module, int targetId, int siteId)
    {
        var manifest = module.Manifest;
        var cause = refusal ?? module.QuarantinedBy;
        var violation = new GuardViolation(module.Name, manifest.Sites[siteId], manifest.Targets[targetId], cause?.Region,
            cause?.Rule ?? "quarantine", GuardAction.Quarantine,
            refusal is not null ? refusal.Detail : "module is quarantined");
        Violations.Record(module, violation);
        throw new ModuleQuarantinedException(violation);
    }

    private static void Enforce(ModuleGuard module, Verdict verdict, int targetId, int siteId, string? detail)
    {
        if (verdict.Action == GuardAction.Allow) return;
        var manifest = module.Manifest;
        var violation = new GuardViolation(module.Name, manifest.Sites[siteId], manifest.Targets[targetId],
            verdict.Region, verdict.Describe(module.Name), verdict.Action, detail);
        Violations.Record(module, violation);
        switch (verdict.Action)
        {
            case GuardAction.Audit:
                return;
            case GuardAction.Quarantine:
                module.Quarantine(violation);
                throw new GuardViolationException(violation);
            case GuardAction.Halt:
                HaltHandler("Guard halt: " + violation);
                // FailFast does not return; if a replaced handler does, the store must still not happen.
                throw new GuardViolationException(violation);
            default:
                throw new GuardViolationException(violation);
        }
    }

    // For the formatter.
    internal IEnumerable<InstanceProtection> Instances => instances.Values.SelectMany(p => p);
}

/// <summary>A protected object, or a protected element range of an array, with its verdict.</summary>
internal readonly record struct InstanceProtection(InstanceRegion Region, Verdict Verdict);
