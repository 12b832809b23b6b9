using System.Collections.Immutable;
using GuardRuntime.Effects;

namespace GuardRuntime.Verification;

/// <summary>Which check the receiver of an instance call needs when it is not constructed by the call.</summary>
internal enum ReceiverCheck : byte { None, Object, Struct }

/// <summary>
/// What a call to another assembly must have checked before it runs. <see cref="Required"/> are the checks in the
/// ABI's canonical spelling (<c>StoreAddress(a1 sizeof:System.Int32 conv.u)</c>: the operands as the spilled argument
/// <c>aN</c> or the receiver <c>this</c>, constants, <c>sizeof:T</c> and the conversions between them), each of which
/// must appear between the spill and the reload; <see cref="Receiver"/> adds the receiver's check; <see cref="Host"/>
/// means <c>Guard.Call</c> first; <see cref="Refusal"/> says why no check can make the call safe.
/// </summary>
internal sealed record CallFacts(bool IsSelf, string? Scope, string Target, bool Host, int Parameters,
    string[] Required, ReceiverCheck Receiver, string ReceiverType, string? Refusal, int Line = 0)
{
    public static CallFacts Self(bool definition) => new(true, null, definition ? "" : "?", false, 0, [], default, "", null);
    public bool NeedsChecks => Required.Length > 0 || Receiver != ReceiverCheck.None;

    /// <summary>The check a struct receiver needs (the whole struct, by address), spelled once.</summary>
    public string StructReceiver { get; } = $"StoreAddress(this sizeof:{ReceiverType} conv.u)";
}

/// <summary>
/// The call-effect model: the framework effect model (<c>src/GuardRuntime/Host/Effects</c>) applied to the callee's
/// signature, deny by default, by the rules of docs/escape-hatches.md: a refused class or an unclassified low-level
/// member is refused; an exact row is taken as written; a pattern row vouches for objects but not for arrays (checked
/// whole) or pointers (refused unless it says <c>reads-pointers</c>); an unclassified member is checked as a write of
/// everything it receives. Writable byrefs, spans and memories are checked whatever the class. Host calls: the call
/// check and writable byrefs.
/// </summary>
internal static class CallEffects
{
    // Types whose members convert between pointers, references and objects: unclassified members are refused.
    private static readonly string[] MustClassify =
    [
        "System.Runtime.CompilerServices.Unsafe", "System.Runtime.CompilerServices.RuntimeHelpers",
        "System.Runtime.InteropServices.", "System.Runtime.Intrinsics.", "System.Buffer!", "System.Reflection.",
        "System.Runtime.CompilerServices.CallSite", "System.Threading.Interlocked", "System.Threading.Volatile",
    ];

    // Structs that carry references but are values, not write handles. The weaver's EffectPlanner uses this same list:
    // a call the weaver checks is a call the verifier accepts.
    internal static readonly HashSet<string> ValueStructs =
    [
        "System.Threading.CancellationToken", "System.ReadOnlySpan`1", "System.ReadOnlyMemory`1", "System.Nullable`1",
        "System.Collections.Generic.KeyValuePair`2", "System.Runtime.CompilerServices.DefaultInterpolatedStringHandler",
        "System.Threading.Tasks.ValueTask", "System.Threading.Tasks.ValueTask`1", "System.DateTimeOffset", "System.Decimal",
        // A readonly struct whose one field is its name (a string): passed by value, nothing to write through.
        "System.Security.Cryptography.HashAlgorithmName",
    ];

    // The model's rule per framework member, looked up once per process (a lookup scans every prefix rule).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Type, string Name, string Model), EffectRule?>
        Rules = new();

    private enum Shape : byte { Data, Byref, Pointer, Span, Array, Object, RefStruct }

    // parameters: under the call's generic arguments; model: the definition's parameter list in the model's spelling.
    public static CallFacts Classify(TypeFacts facts, string scope, SigType parent, string name, bool instance,
        ImmutableArray<SigType> parameters, string model, ImmutableArray<SigType> methodArgs)
    {
        var type = parent.DefinitionName ?? parent.Text;
        var target = type + "::" + name;
        var required = new List<string>();
        if (!TypeFacts.IsFramework(scope))
        {
            for (int i = 0; i < parameters.Length; i++)
                if (Writable(parameters[i]) is { } e) required.Add(Address(i, e));
            return new(false, scope, target, true, parameters.Length, [.. required], default, "", null);
        }
        var api = $"{type}::{name}({model})";
        if (TypeConfusion(facts, type, name, parameters, methodArgs) is { } confusion) return Refuse(confusion);
        var rule = Rules.GetOrAdd((type, name, model), static k => EffectModel.Framework.Classify(k.Type, k.Name, k.Model));
        if (rule is null && facts.Info(parent).Delegate)
            rule = new EffectRule(EffectClass.CallsBack, type, name, [], "a delegate's own member", 0);
        if (rule is { Class: EffectClass.Reflective or EffectClass.Refused }
            || rule is { Class: EffectClass.FreesOrReallocates, Extents.Count: 0 })
            return Refuse($"{rule.Reason} [effect model: {rule.Class}, line {rule.Line}]");
        if (rule is null && MustClassify.Any(p => p.EndsWith('!') ? type == p[..^1] : type.StartsWith(p, StringComparison.Ordinal)))
            return Refuse($"{api} is a member of a low-level type that the effect model does not classify");
        var named = new HashSet<int>();
        foreach (var extent in rule?.Extents ?? [])
            if (Extent(extent, parameters, parent, methodArgs) is { } d)
            {
                required.Add(d);
                named.Add(extent.Dest == EffectExtent.FirstPointer ? FirstPointer(parameters) : extent.Dest);
            }
        for (int i = 0; i < parameters.Length; i++)
        {
            var shape = ShapeOf(facts, parameters[i], type);
            if (Writable(parameters[i]) is { } element) required.Add(Address(i, element));
            else if (shape == Shape.Span && !named.Contains(i)) required.Add(SpanLike(i, parameters[i].Bare));
            if (rule is { IsExact: true } || named.Contains(i)) continue;
            switch (shape)
            {
                case Shape.Pointer when rule is not { ReadsPointers: true }:
                    return Refuse($"passes a pointer ({parameters[i].Text}) to {api}, and the effect model does not say how far it writes");
                case Shape.Array: required.Add($"StoreObject(a{i})"); break;
                case Shape.Object when rule is null: required.Add($"StoreObject(a{i})"); break;
                case Shape.RefStruct when rule is null:
                    return Refuse($"passes a {parameters[i].Text} (a struct that may hold references) to the unclassified {api}");
            }
        }
        var receiver = ReceiverCheck.None;
        bool receiverNamed = rule?.Extents.Any(e => e.Dest == EffectExtent.This) == true;
        if (instance && rule is null or { Class: EffectClass.WritesReceiver } && !receiverNamed)
            receiver = facts.Info(parent) is { Known: true, ValueType: true } || parent.Bare.ValueType ? ReceiverCheck.Struct
                : type == "System.String" ? ReceiverCheck.None : ReceiverCheck.Object;
        return new(false, scope, target, false, parameters.Length, [.. required], receiver, parent.Text, null, rule?.Line ?? 0);

        CallFacts Refuse(string why) => new(false, scope, target, false, parameters.Length, [], default, "", why);
    }

    // A writable byref (not `ref modreq(In) T` nor `modreq(In) ref T`): its element type, else null.
    private static SigType? Writable(SigType p)
    {
        if (p.Kind == SigKind.Modified && p.Modifier == InAttribute) return null;
        p = p.Bare;
        if (p.Kind != SigKind.Byref) return null;
        return p.Element!.Kind == SigKind.Modified && p.Element.Modifier == InAttribute ? null : p.Element.Bare;
    }

    private const string InAttribute = "System.Runtime.InteropServices.InAttribute";

    private static string Address(int i, SigType element) => $"StoreAddress(a{i} sizeof:{element.Text} conv.u)";

    private static string SpanLike(int i, SigType span) => span.DefinitionName == "System.Memory`1"
        ? $"StoreSpan<{span.Args[0].Text}>(a{i}.Span)" : $"StoreSpan<{span.Args[0].Text}>(a{i})";

    private static Shape ShapeOf(TypeFacts facts, SigType type, string declaring)
    {
        type = type.Bare;
        switch (type.Kind)
        {
            case SigKind.Byref: return Shape.Byref;
            case SigKind.Pointer or SigKind.FunctionPointer: return Shape.Pointer;
            case SigKind.Array: return Shape.Array;
            case SigKind.Parameter: return Shape.Data;
        }
        var name = type.DefinitionName ?? type.Text;
        if (name is "System.Span`1" or "System.Memory`1") return Shape.Span;
        if (name == "System.IntPtr" && (declaring.StartsWith("System.Runtime.InteropServices.", StringComparison.Ordinal)
                                        || declaring.StartsWith("System.Runtime.CompilerServices.", StringComparison.Ordinal)))
            return Shape.Pointer;
        if (type.Kind == SigKind.Primitive) return name == "System.Object" ? Shape.Object : Shape.Data;
        var info = facts.Info(type);
        if (info.ValueType || type.ValueType)
            return info.Enum || ValueStructs.Contains(name) || !facts.ContainsReferences(type) ? Shape.Data : Shape.RefStruct;
        return info.Delegate ? Shape.Data : Shape.Object;
    }

    private static int FirstPointer(ImmutableArray<SigType> parameters)
    {
        for (int i = 0; i < parameters.Length; i++)
            if (parameters[i].Bare.Kind is SigKind.Pointer or SigKind.Byref) return i;
        return EffectExtent.FirstPointer;
    }

    // One destination of a 'writes' row in the ABI's canonical spelling (what CallGuardSequence in the weaver emits).
    private static string? Extent(EffectExtent e, ImmutableArray<SigType> p, SigType parent, ImmutableArray<SigType> methodArgs)
    {
        string Arg(int i) => i == EffectExtent.This ? "this" : "a" + i;
        string TypeArg() => parent.Kind == SigKind.Instance ? parent.Args[0].Text : "?";
        string MethodArg() => methodArgs.Length > 0 ? methodArgs[0].Text : "?";
        int dest = e.Dest == EffectExtent.FirstPointer ? FirstPointer(p) : e.Dest;
        if (dest == EffectExtent.FirstPointer || dest >= p.Length) return null;
        switch (e.Kind)
        {
            case ExtentKind.Array:
                return $"StoreElements({Arg(dest)} {(e.Start >= 0 ? Arg(e.Start) : "0")} conv.i " +
                       $"{(e.Count >= 0 ? Arg(e.Count) : "-1")} conv.i)";
            case ExtentKind.Span when dest == EffectExtent.This:
                return $"StoreSpan<{TypeArg()}>(this ldobj:System.Span`1<{TypeArg()}>)";
            case ExtentKind.Span: return SpanLike(dest, p[dest].Bare);
            case ExtentKind.Object: return $"StoreObject({Arg(dest)})";
            case ExtentKind.Pointer:
                var text = Arg(dest) + (e.Start >= 0 ? $" {Arg(e.Start)} conv.i add" : "");
                if (e.Count < 0) return $"StoreAddress({text} {e.Scale} conv.u)";
                text += $" {Arg(e.Count)} conv.u";
                if (e.Scale == EffectExtent.SizeOfTypeArgument) text += $" sizeof:{TypeArg()} conv.u mul";
                else if (e.Scale != 1) text += $" {e.Scale} conv.u mul";
                return $"StoreAddress({text})";
            case ExtentKind.PointerSizeOfT: return $"StoreAddress({Arg(dest)} sizeof:{MethodArg()} conv.u)";
            case ExtentKind.Vector:
                var d = p[dest].Bare;
                var v = Arg(dest) + (e.Start >= 0 ? $" {Arg(e.Start)} conv.u sizeof:{d.Element!.Bare.Text} conv.u mul add" : "");
                bool first = true;
                for (int i = 0; i < p.Length; i++)
                {
                    if (i == dest || i == e.Start || p[i].Bare.Kind is SigKind.Pointer or SigKind.Byref) continue;
                    v += $" sizeof:{p[i].Bare.Text} conv.u" + (first ? "" : " add");
                    first = false;
                }
                return $"StoreAddress({v}{(first ? " 1 conv.u" : "")})";
        }
        return null;
    }

    // Type confusion: turning a reference into a pointer or into a differently typed reference escapes field rules.
    private static string? TypeConfusion(TypeFacts facts, string type, string name, ImmutableArray<SigType> p,
        ImmutableArray<SigType> g)
    {
        bool Refs(int i) => i < g.Length && facts.ContainsReferences(g[i]);
        string N(int i) => i < g.Length ? g[i].Text : "?";
        bool pointerFirst = p.Length > 0 && p[0].Bare.Kind == SigKind.Pointer;
        return (type, name) switch
        {
            ("System.Runtime.CompilerServices.Unsafe", "As") when g.Length == 2 =>
                N(0) != N(1) && (Refs(0) || Refs(1)) ? $"reinterprets a ref {N(0)} as a ref {N(1)} holding references" : null,
            ("System.Runtime.CompilerServices.Unsafe", "As") => "reinterprets an object as another type",
            ("System.Runtime.CompilerServices.Unsafe", "AsPointer") when Refs(0) => $"turns a ref {N(0)} into a raw pointer",
            ("System.Runtime.CompilerServices.Unsafe", "AsRef") when pointerFirst && Refs(0) =>
                $"turns a raw pointer into a ref {N(0)}",
            ("System.Runtime.CompilerServices.Unsafe", "Read" or "ReadUnaligned" or "Write" or "WriteUnaligned" or "Copy")
                when Refs(0) => $"reads or writes a {N(0)}, which holds references, as raw memory",
            ("System.Runtime.CompilerServices.Unsafe", "BitCast") when Refs(0) || Refs(1) => $"reinterprets {N(0)} as {N(1)}",
            ("System.Runtime.InteropServices.MemoryMarshal", "Cast") when Refs(0) || Refs(1) =>
                $"reinterprets a span of {N(0)} as a span of {N(1)}",
            ("System.Runtime.InteropServices.MemoryMarshal", "AsBytes" or "AsRef" or "Read" or "TryRead" or "Write"
                or "TryWrite" or "CreateSpan" or "CreateReadOnlySpan") when Refs(0) => $"sees a {N(0)} as raw memory",
            _ => null,
        };
    }
}
