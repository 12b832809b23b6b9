using System.Reflection;
using System.Runtime.Loader;
using GuardRuntime;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Pipeline;
using Weaver.Tests.Infrastructure;

namespace Weaver.Tests.RedTeam;

/// <summary>What a technique aims at (the kernel's <c>Targets</c> member and the policy that protects it).</summary>
public enum Aim
{
    /// <summary>Fields of <c>Kernel.Credentials</c>, protected by the field rule <c>deny Kernel.Credentials::*</c>.</summary>
    FieldRule,
    /// <summary>The <c>Credentials</c> and <c>Config</c> instances, protected with <c>Regions.Protect</c> + region rule.</summary>
    ObjectRegion,
    /// <summary>Elements [4, 12) of an int array and [8, 24) of a byte array (<c>Regions.ProtectElements</c>).</summary>
    ArrayRange,
    /// <summary>Bytes [32, 64) of a 64-byte <c>NativeMemory</c> block (<c>Regions.ProtectRange</c>).</summary>
    NativeRange,
    /// <summary>The backing array of a <c>List&lt;int&gt;</c>, protected separately (the list itself is a different object).</summary>
    ListBacking,
    /// <summary>Fields of <c>Credentials</c> written by a host setter, protected by the call rule <c>deny call Kernel.Credentials::SetUid</c>.</summary>
    CallRule,
    /// <summary>Nothing protected: a benign control that must work under the deny policy too.</summary>
    NoTarget,
}

/// <summary>What the suite expects of a technique under the deny policy.</summary>
public enum Expectation
{
    /// <summary>The guard stops the write at run time (GuardViolationException) and the memory is unchanged.</summary>
    Stopped,
    /// <summary>The weaver refuses the module (WVR0010).</summary>
    Refused,
    /// <summary>A benign control: no violation, the code works.</summary>
    Works,
    /// <summary>A known gap: the write gets through (kept visible, reported).</summary>
    KnownGap,
}

/// <summary>One hostile technique.</summary>
public sealed record Technique(string Name, string Group, Aim Target, Expectation Expect, string? Note = null)
{
    public override string ToString() => Name;
}

/// <summary>What happened when a technique was tried.</summary>
public sealed record Outcome(string Technique, string Result, string Detail)
{
    public bool GotThrough => Result == "GOT THROUGH";
}

/// <summary>Compiles, weaves and runs the red-team modules.</summary>
public static class RedTeamHarness
{
    public const string ModuleName = "RtModule";

    private static readonly Lazy<string> KernelDll = new(() => SnippetCompiler.Compile(RedTeamSources.Kernel, "RtKernel", host: true));
    private static readonly Lazy<byte[]> PayloadBytes = new(() => File.ReadAllBytes(SnippetCompiler.Compile(RedTeamSources.Payload, "RtPayload")));
    private static readonly Lazy<string> WovenModule = new(() => Woven.Weave(CompileModule(RedTeamSources.Module, ModuleName)));
    private static readonly Dictionary<string, string> RefusedDlls = [];

    /// <summary>Compiles a module against the kernel, with the kernel dll beside it (for the weaver and the loader).</summary>
    public static string CompileModule(string source, string name)
    {
        var kernel = KernelDll.Value;
        var dll = SnippetCompiler.Compile(source, name, extraReferences: [kernel]);
        var dir = Path.GetDirectoryName(dll)!;
        File.Copy(kernel, Path.Combine(dir, "RtKernel.dll"), overwrite: true);
        Directory.CreateDirectory(Path.Combine(dir, "woven"));
        File.Copy(kernel, Path.Combine(dir, "woven", "RtKernel.dll"), overwrite: true);
        return dll;
    }

    /// <summary>The unwoven module of a refused technique (compiled once).</summary>
    public static string RefusedDll(string technique)
    {
        lock (RefusedDlls)
        {
            if (!RefusedDlls.TryGetValue(technique, out var dll))
                RefusedDlls[technique] = dll = CompileModule(RedTeamSources.RefusedModule(RedTeamSources.Refused[technique]), "RtRefused" + technique);
            return dll;
        }
    }

    /// <summary>Weaves <paramref name="dll"/> with the given allow-unchecked patterns, without asserting success.</summary>
    public static (WeaveResult Result, string Output) Weave(string dll, IReadOnlyList<string> allowUnchecked)
    {
        var output = Path.Combine(Path.GetDirectoryName(dll)!, allowUnchecked.Count == 0 ? "woven" : "woven-unchecked", Path.GetFileName(dll));
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        File.Copy(Path.Combine(Path.GetDirectoryName(dll)!, "RtKernel.dll"), Path.Combine(Path.GetDirectoryName(output)!, "RtKernel.dll"), overwrite: true);
        return (new WeavePipeline().Run(new WeaveOptions { InputPath = dll, OutputPath = output, AllowUnchecked = allowUnchecked }), output);
    }

    /// <summary>The policy that protects a target kind (confined to <paramref name="module"/>).</summary>
    public static Policy DenyPolicy(Aim kind, string module) => kind switch
    {
        Aim.FieldRule => Deny.Rules(module, new PolicyRule(RuleSelector.Field, "Kernel.Credentials::*", GuardAction.Throw)),
        Aim.ObjectRegion => Deny.Region(module, "cred"),
        Aim.CallRule => Deny.Rules(module, new PolicyRule(RuleSelector.Call, "Kernel.Credentials::SetUid", GuardAction.Throw),
            new PolicyRule(RuleSelector.Call, "Kernel.Credentials::set_Prop", GuardAction.Throw)),
        Aim.ArrayRange => Deny.Region(module, "table"),
        Aim.NativeRange => Deny.Region(module, "mmio"),
        Aim.ListBacking => Deny.Region(module, "tasks"),
        // The control runs under every rule at once.
        _ => Deny.Rules(module,
            new PolicyRule(RuleSelector.Field, "Kernel.Credentials::*", GuardAction.Throw),
            new PolicyRule(RuleSelector.Region, "cred", GuardAction.Throw), new PolicyRule(RuleSelector.Region, "table", GuardAction.Throw),
            new PolicyRule(RuleSelector.Region, "mmio", GuardAction.Throw), new PolicyRule(RuleSelector.Region, "tasks", GuardAction.Throw)),
    };

    /// <summary>
    /// Runs <paramref name="method"/> of a woven module under <paramref name="policy"/> against fresh targets of
    /// <paramref name="kind"/> (regions registered in both cases); returns the violation (if any) and the memory before/after.
    /// </summary>
    public static (Exception? Thrown, string Before, string After) Run(string wovenPath, string method, Aim kind, Policy policy)
    {
        var assembly = Woven.Load(wovenPath);
        var targets = Woven.Call(assembly, "RedTeam.Attack.NewTargets")!;
        var type = targets.GetType();
        type.GetField("Payload")!.SetValue(targets, PayloadBytes.Value);
        var snapshot = type.GetMethod("Snapshot")!;
        var what = Host(kind == Aim.NoTarget ? Aim.ObjectRegion : kind);
        try
        {
            using var scope = PolicyScope.Install(policy);
            if (kind == Aim.NoTarget) foreach (var k in new[] { "Object", "Array", "Native", "List" }) type.GetMethod("Protect")!.Invoke(targets, [k]);
            else type.GetMethod("Protect")!.Invoke(targets, [Host(kind)]);
            var before = (string)snapshot.Invoke(targets, [what])!;
            Exception? thrown = null;
            try { Woven.Call(assembly, "RedTeam.Attack." + method, targets); }
            catch (Exception e) { thrown = e; }
            return (thrown, before, (string)snapshot.Invoke(targets, [what])!);
        }
        finally
        {
            ((IDisposable)targets).Dispose();
        }
    }

    /// <summary>The kernel helper's name for a target kind.</summary>
    public static string Host(Aim kind) => kind switch
    {
        Aim.FieldRule or Aim.CallRule => "Field", Aim.ObjectRegion => "Object", Aim.ArrayRange => "Array", Aim.NativeRange => "Native", Aim.ListBacking => "List", _ => "None",
    };

    private static GuardViolationException? ViolationIn(Exception? e)
    {
        while (e is not null and not GuardViolationException) e = e.InnerException;
        return e as GuardViolationException;
    }

    /// <summary>Tries one technique under the deny policy and under allow-all; returns what happened (never throws for a gap).</summary>
    public static Outcome Try(Technique t)
    {
        if (RedTeamSources.StoppedAtRunTime.Contains(t.Name)) return TryRunTimeRefusal(t);
        return t.Expect == Expectation.Refused || RedTeamSources.Refused.ContainsKey(t.Name) ? TryRefused(t) : TryWoven(t);
    }

    // Code generation and loading weave with default options and are refused at run time, at the call, even under
    // allow-all (what they would run was never checked); unwoven, the same module really writes.
    private static Outcome TryRunTimeRefusal(Technique t)
    {
        var dll = RefusedDll(t.Name);
        var (woven, output) = Weave(dll, []);
        if (!woven.Succeeded)
            return new(t.Name, "ERROR", "did not weave with default options: " + string.Join(" / ", woven.Diagnostics.Select(d => d.Code + " " + d.Message)));
        var (thrown, before, after) = Run(output, "Run", t.Target, Policy.AllowAll);
        for (var e = thrown; e is not null; e = e.InnerException)
            if (e is CodeGenerationRefusedException or ReflectionRefusedException or InvalidCastException)
            {
                if (before != after) return new(t.Name, "GOT THROUGH", $"memory changed before the refusal: {before} -> {after}");
                var (_, unwovenBefore, unwovenAfter) = Run(dll, "Run", t.Target, Policy.AllowAll);
                return unwovenBefore == unwovenAfter
                    ? new(t.Name, "NO EFFECT", "unwoven, the technique did not write; refusal: " + e.Message)
                    : new(t.Name, "stopped", FirstLine(e.Message));
            }
        return before != after
            ? new(t.Name, "GOT THROUGH", $"memory changed: {before} -> {after}")
            : new(t.Name, "ERROR", "no run-time refusal: " + (thrown is null ? "nothing thrown" : thrown.GetType().Name + ": " + thrown.Message));
    }

    private static Outcome TryWoven(Technique t)
    {
        var woven = WovenModule.Value;
        var method = t.Name.Split('@')[0];
        var (thrown, before, after) = Run(woven, method, t.Target, DenyPolicy(t.Target, ModuleName));
        var violation = ViolationIn(thrown);
        string result, detail;
        if (thrown is not null && violation is null) (result, detail) = ("ERROR", "deny run threw " + thrown.GetType().Name + ": " + thrown.Message);
        else if (before != after) (result, detail) = ("GOT THROUGH", $"memory changed: {before} -> {after}" + (violation is null ? "" : " (and a violation was raised)"));
        else if (t.Target == Aim.NoTarget) (result, detail) = violation is null ? ("works", "benign control ran under deny") : ("ERROR", "false positive: " + violation.Message);
        else if (violation is null) (result, detail) = ("NO EFFECT", "no violation and no write: the technique is broken");
        else (result, detail) = ("stopped", FirstLine(violation.Message));

        // The same code must work when nothing denies it.
        var (allowThrown, allowBefore, allowAfter) = Run(woven, method, t.Target, Policy.AllowAll);
        if (allowThrown is not null) return new(t.Name, "ERROR", $"allow run threw {allowThrown.GetType().Name}: {allowThrown.Message}; deny: {detail}");
        if (t.Target != Aim.NoTarget && allowBefore == allowAfter) return new(t.Name, "NO EFFECT", "the write did not happen under allow-all; deny: " + detail);
        return new(t.Name, result, detail);
    }

    private static Outcome TryRefused(Technique t)
    {
        var dll = RefusedDll(t.Name);
        var (refused, _) = Weave(dll, []);
        string result, detail;
        var error = refused.Diagnostics.FirstOrDefault(d => d.Code == DiagnosticCodes.UncheckableApi);
        if (refused.Succeeded || error is null) (result, detail) = ("GOT THROUGH", "weave succeeded: " + string.Join(" / ", refused.Diagnostics.Select(d => d.Code + " " + d.Message)));
        else if (!(error.Message.Contains("RedTeam.Attack::", StringComparison.Ordinal) && error.Message.Contains(" at IL_", StringComparison.Ordinal))
                 && !(error.Message.StartsWith("RedTeam.Union", StringComparison.Ordinal) && error.Message.Contains(" overlaps ", StringComparison.Ordinal))) // a type, not a method, is refused
            (result, detail) = ("ERROR", "WVR0010 does not name the method and IL offset: " + error.Message);
        else (result, detail) = ("refused", error.Message);

        // A trusted module may keep it (warning WVR0011), and then the technique really writes.
        var (allowed, output) = Weave(dll, ["*"]);
        if (!allowed.Succeeded || !allowed.Diagnostics.Any(d => d.Code == DiagnosticCodes.UncheckedApiAllowed))
            return new(t.Name, "ERROR", "--allow-unchecked * did not weave with WVR0011: " + string.Join(" / ", allowed.Diagnostics.Select(d => d.Code + " " + d.Message)));
        var (thrown, before, after) = Run(output, "Run", t.Target, Policy.AllowAll);
        if (thrown is not null) return new(t.Name, "ERROR", $"allow run threw {thrown.GetType().Name}: {thrown.Message}");
        if (before == after) return new(t.Name, "NO EFFECT", "unchecked, the technique did not write; refusal: " + detail);
        return new(t.Name, result, detail);
    }

    private static string FirstLine(string s) => s.Split('\n')[0];

    /// <summary>Whether an outcome is what the technique's expectation says.</summary>
    public static bool AsExpected(Technique t, Outcome o) => t.Expect switch
    {
        Expectation.Stopped => o.Result == "stopped",
        Expectation.Refused => o.Result == "refused",
        Expectation.Works => o.Result == "works",
        Expectation.KnownGap => o.GotThrough,
        _ => false,
    };
}
