using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace GuardRuntime.Verification;

/// <summary>
/// Calls: a call to another assembly spills its arguments, checks each destination the call model requires
/// (CallEffects.cs), reloads them and calls (<c>stloc a(n-1) .. stloc a0; checks; ldloc a0 .. ldloc a(n-1); call</c>),
/// with <c>CHECK(Call)</c> first for host calls; every required check must be among the checks found. The memoization ABI appears only in its wrapper and table set-up shapes.
/// </summary>
internal sealed partial class MethodVerifier
{
    private int[] spill = new int[16];
    private readonly HashSet<string> present = new(StringComparer.Ordinal);
    private readonly List<string> missing = [];

    private void ExternalCall(int k)
    {
        var call = index.Call(il.Arg[k]);
        if (call.IsSelf) return;
        if (call.Refusal is { } why)
        {
            report.At(il.Offset[k], "call-refused", $"The call to {call.Target} is refused: {why}.");
            return;
        }
        int q = FirstPrefix(k), n = call.Parameters, start = q;
        present.Clear();
        bool spilled = n > 0 && q - n - 1 >= 0 && Is(q - n - 1, ILOpCode.Call)
            && AbiOps.IsCheck(index.OpOf(il.Arg[q - n - 1]));
        for (int i = 0; spilled && i < n; i++) spilled = Is(q - n + i, ILOpCode.Ldloc);
        if (spilled) start = Spilled(k, q, call);
        else if (n == 0) start = Receiver(q);
        if (start < 0) return;
        missing.Clear();
        foreach (var required in call.Required)
            if (!present.Contains(required)) missing.Add(required);
        if (il.Op[k] != ILOpCode.Newobj && ReceiverDescriptor(k, q, call) is { } receiver && !present.Contains(receiver))
            missing.Add(receiver);
        if (missing.Count > 0)
            report.At(il.Offset[k], "guard-missing",
                $"The call to {call.Target} is not preceded by the checks the {(call.Host ? "host-call rule" : "effect model")} " +
                $"requires{(call.Line > 0 ? $" (framework-effects.txt line {call.Line})" : "")}: {string.Join("; ", missing)}.");
        if (call.Host)
        {
            int s = Check(start - 1, AbiOp.Call);
            if (s < 0)
            {
                report.At(il.Offset[k], "guard-missing",
                    $"The host call to {call.Target} is not preceded by Guard.Call.");
                return;
            }
            Expect(s + 3, TargetKind.Call, call.Target, call.Scope);
            start = s;
        }
        Gap(start, k);
    }

    // The receiver's check at this site: a constrained call passes a byref to the receiver (a struct is checked by its
    // size, a class through the byref); a receiver of a type parameter cannot be checked.
    private string? ReceiverDescriptor(int k, int q, CallFacts call)
    {
        if (call.Receiver == ReceiverCheck.None) return null;
        if (call.Receiver == ReceiverCheck.Struct) return call.StructReceiver;
        for (int p = q; p < k; p++)
        {
            if (il.Op[p] != ILOpCode.Constrained) continue;
            var type = index.TypeString(il.Arg[p]);
            if (type.StartsWith('!'))
            {
                report.At(il.Offset[k], "call-refused",
                    $"The call to {call.Target} may write its receiver, of type parameter {type}, which cannot be checked.");
                return null;
            }
            var handle = MetadataTokens.EntityHandle(il.Arg[p]);
            bool value = index.IsValueType(handle) ?? index.Facts.Info(index.Parent(handle)).ValueType;
            return value ? $"StoreAddress(this sizeof:{type} conv.u)" : "StoreObject(this ldind.ref)";
        }
        return "StoreObject(this)";
    }

    // Returns the first stloc of the spill, after describing the checks between spill and reload.
    private int Spilled(int k, int q, CallFacts call)
    {
        int n = call.Parameters, reload = q - n;
        if (spill.Length < n) spill = new int[n * 2];
        for (int i = 0; i < n; i++) spill[i] = il.Arg[reload + i];
        int t = reload - 1;
        while (t >= 0 && il.Op[t] != ILOpCode.Stloc) t--;
        bool ok = t - n + 1 >= 0 && Is(t, ILOpCode.Stloc, spill[0]);
        for (int i = 1; ok && i < n; i++) ok = Is(t - i, ILOpCode.Stloc, spill[i]);
        if (!ok)
        {
            report.At(il.Offset[k], "guard-shape",
                $"The checks before the call to {call.Target} do not follow a spill of its {n} arguments.");
            return -1;
        }
        for (int pos = t + 1; pos < reload;)
        {
            int c = pos;
            while (c < reload && !(il.Op[c] == ILOpCode.Call && AbiOps.IsCheck(index.OpOf(il.Arg[c])))) c++;
            var op = c < reload ? index.OpOf(il.Arg[c]) : AbiOp.None;
            int s = c < reload ? Check(c, op) : -1;
            if (s < pos || !Operands(pos, s, op, n))
            {
                report.At(il.Offset[pos], "guard-shape",
                    $"The checks before the call to {call.Target} are not canonical.");
                return -1;
            }
            Expect(c, TargetOf(op), "*", null);
            present.Add(Describe(pos, s, op, c, n));
            pos = c + 1;
        }
        return t - n + 1;
    }

    // Checks on the receiver of a method without parameters (span.Clear(), array.Initialize()): nothing is spilled,
    // each check duplicates the receiver: `dup; ldobj Span<T>; CHECK(StoreSpan)`. Returns the first block's start.
    private int Receiver(int q)
    {
        int start = q;
        for (int e = q - 1; Is(e, ILOpCode.Call) && index.OpOf(il.Arg[e]) is var op && AbiOps.IsCheck(op)
                            && op != AbiOp.Call;)
        {
            int s = Check(e, op), dup = -1;
            for (int pos = s - 1; s > 0 && pos >= Math.Max(0, s - 5) && dup < 0; pos--)
                if (Is(pos, ILOpCode.Dup) && Operands(pos, s, op, 0)) dup = pos;
            if (dup < 0) break;
            Expect(e, TargetOf(op), "*", null);
            present.Add(Describe(dup, s, op, e, 0));
            start = dup;
            e = dup - 1;
        }
        return start;
    }

    // A check block in the spelling of CallFacts.Required: `StoreAddress(a1 sizeof:System.Int32 conv.u)`.
    private string Describe(int pos, int s, AbiOp op, int c, int n)
    {
        var text = new System.Text.StringBuilder(op == AbiOp.StoreSpan ? $"StoreSpan<{SpanElement(il.Arg[c])}>(" : op + "(");
        for (int i = pos; i < s; i++)
        {
            if (i > pos) text.Append(' ');
            text.Append(il.Op[i] switch
            {
                ILOpCode.Ldloc => "a" + SpillIndex(il.Arg[i], n),
                ILOpCode.Ldloca => "a" + SpillIndex(il.Arg[i++], n) + ".Span",
                ILOpCode.Dup => "this",
                ILOpCode.Ldc_i4 => il.Arg[i].ToString(System.Globalization.CultureInfo.InvariantCulture),
                ILOpCode.Sizeof => "sizeof:" + TypeNameProvider.Unmodified(index.TypeString(il.Arg[i])),
                ILOpCode.Ldobj => "ldobj:" + index.TypeString(il.Arg[i]),
                ILOpCode.Conv_i => "conv.i", ILOpCode.Conv_u => "conv.u", ILOpCode.Add => "add", ILOpCode.Mul => "mul",
                _ => "ldind.ref",
            });
        }
        return text.Append(')').ToString();
    }

    private int SpillIndex(int local, int n)
    {
        for (int a = 0; a < n; a++)
            if (spill[a] == local) return a;
        return -1;
    }

    private string SpanElement(int token)
    {
        var h = MetadataTokens.EntityHandle(token);
        if (h.Kind != HandleKind.MethodSpecification) return "";
        var args = index.Reader.GetMethodSpecification((MethodSpecificationHandle)h).DecodeSignature(index.Names,
            default);
        return args.Length == 1 ? args[0] : "";
    }

    private static TargetKind TargetOf(AbiOp op) => op == AbiOp.StoreObject ? TargetKind.Object : TargetKind.Address;

    // The operands of an extra destination check (array range, pointer extent, receiver span, whole object, vector
    // width) the weaver emits from the effect model: only spilled arguments, the receiver (dup, or the object behind
    // a constrained receiver: dup; ldind.ref), a Memory<T> argument's span (ldloca a; call Memory<T>::get_Span),
    // constants, sizes and address arithmetic, and exactly the check's own operand count on the stack.
    private bool Operands(int pos, int s, AbiOp op, int n)
    {
        int depth = 0;
        for (int i = pos; i < s; i++)
        {
            switch (il.Op[i])
            {
                case ILOpCode.Ldloc:
                    if (!Spilled(il.Arg[i], n)) return false;
                    depth++;
                    break;
                case ILOpCode.Ldloca when i + 1 < s && Spilled(il.Arg[i], n) && IsMemorySpan(i + 1):
                    i++; // the pair pushes the span
                    depth++;
                    break;
                case ILOpCode.Dup or ILOpCode.Ldc_i4 or ILOpCode.Sizeof: depth++; break;
                case ILOpCode.Conv_i or ILOpCode.Conv_u or ILOpCode.Ldobj or ILOpCode.Ldind_ref:
                    if (depth == 0) return false;
                    break;
                case ILOpCode.Add or ILOpCode.Mul: if (--depth <= 0) return false; break;
                default: return false;
            }
        }
        return depth == op switch
        {
            AbiOp.StoreAddress => 2, AbiOp.StoreElements => 3, AbiOp.StoreSpan or AbiOp.StoreObject => 1, _ => -1,
        };
    }

    private bool Spilled(int local, int n)
    {
        for (int a = 0; a < n; a++)
            if (spill[a] == local) return true;
        return false;
    }

    // The one framework call a check may contain: Memory<T>.Span, which reads the memory's current extent.
    private bool IsMemorySpan(int i) =>
        il.Op[i] == ILOpCode.Call && index.OpOf(il.Arg[i]) == AbiOp.None
        && index.Call(il.Arg[i]) is { IsSelf: false, Host: false, Target: "System.Memory`1::get_Span" };

    // A delegate calls its target later, with arguments no check sees: a framework target must need no check, a host
    // target must be exported, pass no writable byref, and have the call check where the pointer is taken.
    private void FunctionPointer(int k)
    {
        var op = index.OpOf(il.Arg[k]);
        if (op != AbiOp.None)
        {
            report.At(il.Offset[k], "abi-forged", "The module takes the address of a runtime ABI method.");
            return;
        }
        var call = index.Call(il.Arg[k]);
        if (call.IsSelf) return;
        if (call.Refusal is { } why)
        {
            report.At(il.Offset[k], "call-refused", $"A delegate to {call.Target} is refused: {why}.");
            return;
        }
        if (call.NeedsChecks)
        {
            report.At(il.Offset[k], "delegate-unchecked",
                $"A delegate to {call.Target} would call it without the checks it needs " +
                $"({string.Join("; ", call.Receiver == ReceiverCheck.None ? call.Required : [.. call.Required, "its receiver"])}).");
            return;
        }
        if (!call.Host) return;
        int s = Check(k - 1, AbiOp.Call);
        if (s < 0)
        {
            report.At(il.Offset[k], "guard-missing",
                $"The delegate to host method {call.Target} is not preceded by Guard.Call.");
            return;
        }
        Expect(s + 3, TargetKind.Call, call.Target, call.Scope);
        Gap(s, k);
    }

    // The memoization ABI: table set-up in the cctor, key building and lookups on this type's own table field.
    private bool Memo(int k, AbiOp op)
    {
        bool ok = op switch
        {
            AbiOp.OptionsCreate => isCctor && k + 1 < il.Count && il.Op[k + 1] == ILOpCode.Newobj
                && index.OpOf(il.Arg[k + 1]) == AbiOp.TableCtor,
            AbiOp.TableCtor => isCctor && il.Op[k] == ILOpCode.Newobj && Is(k - 1, ILOpCode.Call)
                && index.OpOf(il.Arg[k - 1]) == AbiOp.OptionsCreate,
            AbiOp.DependsOn => isCctor && Is(k - 1, ILOpCode.Ldstr) && OwnTable(k - 2)
                && dependsOn.Add(UserString(k - 1)) | true,
            AbiOp.TableUse => il.Op[k] == ILOpCode.Call && TableUse(k),
            AbiOp.MemoValue => true,
            AbiOp.Invalidate => Is(k - 1, ILOpCode.Ldstr),
            _ => false,
        };
        if (ok && op == AbiOp.Invalidate) invalidations.Add((UserString(k - 1), report.Method, il.Offset[k]));
        if (!ok)
            report.At(il.Offset[k], op == AbiOp.Register ? "abi-forged" : "memo-forged",
                $"The runtime ABI member ({op}) is used outside the shape the weaver emits for it" +
                (AbiOps.IsMemo(op)
                    ? " (a memo call must act on its own type's static initonly table, set up in the static constructor)." : "."));
        return ok;
    }

    // A call on a table: the receiver is this type's own table field and every argument is pushed by one load
    // (the slot field, the key local or parameter, buffer views, result and miss locals). What a module could do
    // with other arguments is act on its own cache only: results are served to the module's own code, and a slot of
    // another table never hits (the table's number is part of every entry's stamp), so accepting any single loads is
    // safe; the receiver rule keeps one table per method, set up once in the static constructor.
    private bool TableUse(int k)
    {
        int n = index.Call(il.Arg[k]).Parameters;
        for (int i = k - n; i < k; i++)
            if (i <= 0 || il.Op[i] is not (ILOpCode.Ldsfld or ILOpCode.Ldloc or ILOpCode.Ldloca or ILOpCode.Ldarg
                    or ILOpCode.Ldarga))
                return false;
        return OwnTable(k - n - 1);
    }

    private bool OwnTable(int i)
    {
        if (!Is(i, ILOpCode.Ldsfld)) return false;
        var h = MetadataTokens.EntityHandle(il.Arg[i]);
        return h.Kind == HandleKind.FieldDefinition && index.MemoTables.Contains((FieldDefinitionHandle)h)
               && index.Reader.GetFieldDefinition((FieldDefinitionHandle)h).GetDeclaringType() == declaringType;
    }

    private string UserString(int i) => index.Reader.GetUserString(MetadataTokens.UserStringHandle(il.Arg[i] & 0xffffff));
}
