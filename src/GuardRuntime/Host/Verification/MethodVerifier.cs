using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace GuardRuntime.Verification;

/// <summary>
/// Applies the rules to one method body at a time: every store, writable field address, checked call and host call
/// is preceded by its canonical guard (GuardPatterns.cs), no entry lands inside a guard, every guard
/// check call belongs to exactly one such sequence, handles come from the holder, ids agree with the manifest.
/// </summary>
internal sealed partial class MethodVerifier(ModuleIndex index, Report report, GuardManifest? manifest)
{
    private readonly IlBody il = new();
    private bool[] consumed = new bool[256];
    private int[] locals = new int[64];
    private readonly bool[] siteUsed = new bool[manifest?.Sites.Count ?? 0];
    private readonly int holderToken = index.HolderField.IsNil ? 0 : MetadataTokens.GetToken(index.HolderField);
    private readonly HashSet<string> dependsOn = new(StringComparer.Ordinal);
    private readonly List<(string Field, string? Method, int Offset)> invalidations = [];
    private readonly Dictionary<FieldDefinitionHandle, int> tableAssignments = [];
    private string methodName = "", sitePrefix = "(";
    private TypeDefinitionHandle declaringType;
    private bool isCctor, manifestReported;
    private const int BadAssign = 1, AddressTaken = 2, UsedAsHandle = 4;

    /// <summary>Decodes and verifies one body.</summary>
    public void Verify(MethodBodyBlock body, string name, TypeDefinitionHandle declaring, bool staticConstructor)
    {
        methodName = name;
        sitePrefix = name + "(";
        declaringType = declaring;
        isCctor = staticConstructor;
        if (!il.Decode(body, out int bad))
        {
            report.At(bad, "il-malformed", "The IL cannot be decoded.");
            return;
        }
        if (consumed.Length < il.Count) consumed = new bool[il.Count * 2];
        else Array.Clear(consumed, 0, il.Count);
        Array.Clear(locals);
        FindFormations(body.LocalVariablesInitialized);
        for (int k = 0; k < il.Count; k++)
        {
            switch (il.Op[k])
            {
                case ILOpCode.Stfld: StoreField(k); break;
                case ILOpCode.Stsfld: StoreStatic(k); break;
                case >= ILOpCode.Stelem_i and <= ILOpCode.Stelem_ref or ILOpCode.Stelem:
                    Require(k, ElementClass(k) is { } c ? Element(k, c) : -1, "stelem"); break;
                case >= ILOpCode.Stind_ref and <= ILOpCode.Stind_r8 or ILOpCode.Stind_i or ILOpCode.Stobj:
                    Require(k, Indirect(k, hasValue: true) is var i and >= 0 ? i : FrameStore(k, true), "stind/stobj");
                    break;
                case ILOpCode.Initobj:
                    Require(k, Indirect(k, hasValue: false) is var o and >= 0 ? o : FrameStore(k, false), "initobj");
                    break;
                case ILOpCode.Cpblk or ILOpCode.Initblk: Require(k, Block(k), "cpblk/initblk"); break;
                case ILOpCode.Cpobj:
                    Unguarded++;
                    report.At(il.Offset[k], "guard-missing",
                        "cpobj is never left in woven code (it becomes a guarded ldobj/stobj)."); break;
                case ILOpCode.Ldflda or ILOpCode.Ldsflda: Address(k); break;
                case ILOpCode.Call or ILOpCode.Callvirt or ILOpCode.Newobj:
                    var op = index.OpOf(il.Arg[k]);
                    if (op == AbiOp.None) ExternalCall(k);
                    else if (op == AbiOp.Contain) { } // containment can only add a handler, never skip a check
                    else if (op == AbiOp.CodeGeneration) { } // a shim checks generated or loaded code; it skips no check
                    else if (!AbiOps.IsCheck(op)) Memo(k, op);
                    break;
                case ILOpCode.Ldftn or ILOpCode.Ldvirtftn: FunctionPointer(k); break;
                case ILOpCode.Calli or ILOpCode.Mkrefany or ILOpCode.Refanyval or ILOpCode.Jmp or ILOpCode.Arglist:
                    report.At(il.Offset[k], "refused",
                        $"{il.Op[k].ToString().ToLowerInvariant()} is refused: its target or the memory it reaches cannot be checked.");
                    break;
                case ILOpCode.Ldtoken when index.ScopeOf(TokenType(il.Arg[k])) is { } scope
                    && GuardRuntime.Abi.AbiDescriptor.IsRuntimeAssembly(scope):
                    report.At(il.Offset[k], "abi-forged", $"ldtoken names a member of the runtime '{scope}'."); break;
                case ILOpCode.Stloc: Local(il.Arg[k], Is(k - 1, ILOpCode.Ldsfld, holderToken) ? 0 : BadAssign); break;
                case ILOpCode.Ldloca: Local(il.Arg[k], AddressTaken); break;
            }
        }
        for (int k = 0; k < il.Count; k++)
            if (il.Op[k] is ILOpCode.Call && AbiOps.IsCheck(index.OpOf(il.Arg[k])) && !consumed[k])
                report.At(il.Offset[k], "abi-forged",
                    "A guard check is called outside a canonical guard sequence (the module calls the guard ABI itself).");
        for (int l = 0; l < locals.Length; l++)
            if ((locals[l] & UsedAsHandle) != 0 && (locals[l] & (BadAssign | AddressTaken)) != 0)
                report.InMethod("handle-forged",
                    $"Local {l} is passed as the module handle but is not assigned only from <WeaverGuard>::Module.");
    }

    /// <summary>Rules that span the module: invalidations name a dependency some table declared; each table is set once.</summary>
    public void Finish()
    {
        foreach (var (field, method, offset) in invalidations)
            if (!dependsOn.Contains(field))
                report.Errors.Add(new(report.Errors.Count > 0 ? report.Errors[0].Module : "", method, offset,
                    "memo-forged",
                    $"Memo.InvalidateDependents names '{field}', on which no memo table of the module depends."));
        foreach (var table in index.MemoTables)
            if (tableAssignments.GetValueOrDefault(table) != 1)
                report.Module("memo-forged",
                    $"Memo table field {index.Reader.GetString(index.Reader.GetFieldDefinition(table).Name)} " +
                    "must be assigned exactly once, in its type's static constructor, from new MemoTable<TKey, TResult>.");
    }

    private void Local(int l, int flag)
    {
        if (l >= locals.Length) Array.Resize(ref locals, Math.Max(l + 1, locals.Length * 2));
        locals[l] |= flag;
    }

    private EntityHandle TokenType(int token)
    {
        var h = MetadataTokens.EntityHandle(token);
        return h.Kind switch
        {
            HandleKind.MemberReference => index.Reader.GetMemberReference((MemberReferenceHandle)h).Parent,
            HandleKind.MethodSpecification => TokenType(MetadataTokens.GetToken(index.Reader.GetMethodSpecification((MethodSpecificationHandle)h).Method)),
            _ => h,
        };
    }

    /// <summary>Store instructions (the inspector's kind: not addresses or calls) found guarded, and not.</summary>
    public int Guarded, Unguarded;

    /// <summary>Stores to the method's own frame (ldloca/ldarga), which need no guard (Eliminations.cs).</summary>
    public int NeedNoGuard;

    private void Require(int k, int start, string what, bool store = true)
    {
        if (store && start >= 0 && frameStore) NeedNoGuard++;
        else if (store && start >= 0) Guarded++;
        else if (store) Unguarded++;
        frameStore = false;
        if (start < 0)
            report.At(il.Offset[k], "guard-missing",
                $"The {what} at IL_{il.Offset[k]:x4} is not preceded by its canonical guard sequence.");
        else Gap(start, k);
    }

    // No branch, switch arm or handler boundary may land after a guard's first instruction, up to the guarded one.
    private void Gap(int start, int k)
    {
        int j = il.EntryBetween(start, k);
        if (j >= 0)
            report.At(il.Offset[j], "guard-bypassable",
                $"A branch or handler boundary lands at IL_{il.Offset[j]:x4}, inside the guard (IL_{il.Offset[start]:x4}) of the instruction at IL_{il.Offset[k]:x4}.");
    }

    private void StoreField(int k)
    {
        var field = index.Field(il.Arg[k]);
        if (index.IsValueType(field.Parent) is not { } valueType)
        {
            Unguarded++;
            report.At(il.Offset[k], "receiver-unknown",
                $"Cannot tell from the module's signatures whether the declaring type of {field.Name} is a value type.");
            return;
        }
        int start = InstanceField(k, field, valueType);
        if (start < 0 && valueType) start = EliminatedField(k, field);
        Require(k, start, "stfld " + field.Name);
    }

    private void StoreStatic(int k)
    {
        var field = index.Field(il.Arg[k]);
        if (il.Arg[k] == holderToken)
        {
            Unguarded++;
            report.At(il.Offset[k], "holder-write",
                "Only the holder's static constructor may write <WeaverGuard>::Module.");
            return;
        }
        int start = FieldAddress(k, field, isStatic: true, valueType: false);
        Require(k, start, "stsfld " + field.Name);
        var handle = MetadataTokens.EntityHandle(il.Arg[k]);
        if (handle.Kind != HandleKind.FieldDefinition
            || !index.MemoTables.Contains((FieldDefinitionHandle)handle)) return;
        var table = (FieldDefinitionHandle)handle;
        bool own = isCctor && index.Reader.GetFieldDefinition(table).GetDeclaringType() == declaringType;
        if (own && start > 0 && il.Op[start - 1] == ILOpCode.Newobj && index.OpOf(il.Arg[start - 1]) == AbiOp.TableCtor)
            tableAssignments[table] = tableAssignments.GetValueOrDefault(table) + 1;
        else tableAssignments[table] = 2; // anything else disqualifies the table
    }

    private void Address(int k)
    {
        var field = index.Field(il.Arg[k]);
        bool isStatic = il.Op[k] == ILOpCode.Ldsflda;
        var handle = MetadataTokens.EntityHandle(il.Arg[k]);
        if (il.Arg[k] == holderToken || handle.Kind == HandleKind.FieldDefinition
            && index.MemoTables.Contains((FieldDefinitionHandle)handle))
            report.At(il.Offset[k], "holder-write",
                $"The address of {field.Name} (the guard's or the cache's own state) is taken.");
        // The weaver's rule: an address immediately read (ldfld, ldobj, ldind.*) is not a writable byref.
        bool read = k + 1 < il.Count && il.Op[k + 1] is ILOpCode.Ldfld or ILOpCode.Ldobj
            or >= ILOpCode.Ldind_i1 and <= ILOpCode.Ldind_ref;
        bool valueType = false;
        if (!isStatic && index.IsValueType(field.Parent) is not { } known)
        {
            if (!read) report.At(il.Offset[k], "receiver-unknown",
                $"Cannot tell whether the declaring type of {field.Name} is a value type.");
            return;
        }
        else if (!isStatic) valueType = index.IsValueType(field.Parent)!.Value;
        int start = FieldAddress(k, field, isStatic, valueType);
        if (start >= 0) Gap(start, k);
        else if (!read) Require(k, -1, (isStatic ? "ldsflda " : "ldflda ") + field.Name, store: false);
    }

    /// <summary>Checks a guard's ids against the manifest: in range, the expected kind and name, the site's own.</summary>
    private bool Expect(int call, TargetKind kind, string? name, string? assembly)
    {
        if (consumed[call]) report.At(il.Offset[call], "guard-shared",
            "One guard check is claimed by two guarded instructions.");
        consumed[call] = true;
        if (handleLocal >= 0) Local(handleLocal, UsedAsHandle);
        if (manifest is null)
        {
            if (!manifestReported) report.Module("manifest-missing",
                $"The module has guards but no {GuardManifest.ResourceName} resource.");
            manifestReported = true;
            return true;
        }
        int at = il.Offset[call];
        if ((uint)tid >= (uint)manifest.Targets.Count || (uint)sid >= (uint)manifest.Sites.Count)
        {
            report.At(at, "id-range",
                $"Target id {tid} or site id {sid} is out of the manifest's range ({manifest.Targets.Count} targets, {manifest.Sites.Count} sites).");
            return true;
        }
        var target = manifest.Targets[tid];
        var site = manifest.Sites[sid];
        if (target.Kind != kind || name is not null && target.Name != name || assembly is not null
            && target.Assembly != assembly)
            report.At(at, "id-mismatch",
                $"Target id {tid} is {target.Kind} '{target.Name}' ({target.Assembly}), but the guarded instruction writes {kind} '{name}' ({assembly}).");
        if (site.TargetId != tid || !site.Method.StartsWith(sitePrefix, StringComparison.Ordinal)
            || (uint)site.ILOffset > (uint)il.CodeSize)
            report.At(at, "id-mismatch",
                $"Site id {sid} is {site} for target {site.TargetId}, not this guard (target {tid}).");
        if (siteUsed[sid]) report.At(at, "id-mismatch", $"Site id {sid} is used by more than one guard.");
        siteUsed[sid] = true;
        return true;
    }
}
