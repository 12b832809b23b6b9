using GuardRuntime.Abi;
using KcrRuntime;

namespace GuardRuntime.Verification;

/// <summary>What a reference to an ABI member is, as far as the rules about where it may appear are concerned.</summary>
internal enum AbiOp : byte
{
    None, TypeOnly, StoreField, StoreStatic, StoreElement, StoreAddress, StoreElements, StoreSpan, StoreObject, Call, Register,
    OptionsCreate, TableCtor, DependsOn,
    /// <summary>MemoTable`2 IsActive/TryGet/CreateSlot/Lookup/Add: on the type's own table, arguments pushed by one load each.</summary>
    TableUse,
    /// <summary>A MemoKey constructor or MemoBuffer.Of: builds a key value or a read-only view of an argument; harmless anywhere.</summary>
    MemoValue,
    Invalidate, Annotation,
    /// <summary>Guard.Contain/ContainHandler/FaultAsyncVoid: wraps a delegate or completes an async void; harmless anywhere.</summary>
    Contain,
    /// <summary>A code-generation shim: checks at run time what generated or loaded code does; never skips a check.</summary>
    CodeGeneration,
}

internal static class AbiOps
{
    /// <summary>Whether <paramref name="op"/> is a guard check, which may appear only in a canonical guard sequence.</summary>
    public static bool IsCheck(AbiOp op) => op is >= AbiOp.StoreField and <= AbiOp.Call;

    /// <summary>Whether <paramref name="op"/> is a memoization member, allowed only in wrappers and table set-up.</summary>
    public static bool IsMemo(AbiOp op) => op is >= AbiOp.OptionsCreate and <= AbiOp.Invalidate;

    /// <summary>The op of an ABI member named by the descriptor (its members are named with nameof, never strings).</summary>
    public static AbiOp Of(string type, string? member, AbiRole role)
    {
        if (member is null || role == AbiRole.Type) return AbiOp.TypeOnly;
        if (role == AbiRole.Annotation) return AbiOp.Annotation;
        if (role == AbiRole.Containment) return AbiOp.Contain;
        if (role is AbiRole.CodeGeneration or AbiRole.Reflection) return AbiOp.CodeGeneration;
        if (type == typeof(Guard).FullName)
            return member switch
            {
                nameof(Guard.StoreField) => AbiOp.StoreField, nameof(Guard.StoreStatic) => AbiOp.StoreStatic,
                nameof(Guard.StoreElement) => AbiOp.StoreElement, nameof(Guard.StoreAddress) => AbiOp.StoreAddress,
                nameof(Guard.StoreElements) => AbiOp.StoreElements, nameof(Guard.StoreSpan) => AbiOp.StoreSpan,
                nameof(Guard.StoreObject) => AbiOp.StoreObject,
                nameof(Guard.Call) => AbiOp.Call, nameof(Guard.Register) => AbiOp.Register, _ => AbiOp.None,
            };
        if (type == typeof(KcrOptions).FullName && member == nameof(KcrOptions.Create)) return AbiOp.OptionsCreate;
        if (type == typeof(MemoTable).FullName && member == nameof(MemoTable.DependsOn)) return AbiOp.DependsOn;
        if (type == typeof(Memo).FullName && member == nameof(Memo.InvalidateDependents)) return AbiOp.Invalidate;
        if (type == typeof(MemoTable<,>).FullName) return member == ".ctor" ? AbiOp.TableCtor : AbiOp.TableUse;
        if (type == typeof(MemoBuffer).FullName || type.StartsWith(typeof(MemoKey<>).FullName![..^1], StringComparison.Ordinal))
            return AbiOp.MemoValue;
        return AbiOp.None; // a member the descriptor lists but no rule places: refused wherever it appears
    }
}
