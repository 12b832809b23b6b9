namespace GuardRuntime;

/// <summary>What kind of memory a woven store site writes.</summary>
public enum TargetKind : byte
{
    /// <summary>An instance field (<c>stfld</c>); the target object is known at the store.</summary>
    InstanceField = 0,
    /// <summary>A static field (<c>stsfld</c>).</summary>
    StaticField = 1,
    /// <summary>An array element (<c>stelem.*</c>); the array and index are known at the store.</summary>
    ArrayElement = 2,
    /// <summary>A write through a byref or raw pointer (<c>stind.*</c>, <c>stobj</c>, <c>initobj</c>, <c>cpblk</c>, <c>initblk</c>).</summary>
    Address = 3,
    /// <summary>A call from the module to a host method (API integrity).</summary>
    Call = 4,
    /// <summary>
    /// An object or array that a framework call may write for the module (an unclassified framework method's receiver or
    /// argument, or the receiver of a collection method); checked as a write of the whole object (<c>Guard.StoreObject</c>).
    /// </summary>
    Object = 5,
}

/// <summary>
/// One write target of a woven module. The weaver numbers every distinct target of a module from zero and passes
/// the number to the guard as a constant, so that a compiled policy can answer "is this target protected at all"
/// with one table load.
/// </summary>
/// <param name="Id">The module-local target id the weaver assigned.</param>
/// <param name="Kind">What kind of memory the target is.</param>
/// <param name="Name">
/// For fields <c>Namespace.Type::Field</c> (generic types by their open name, e.g. <c>Ns.Box`1::Value</c>);
/// for array elements the element type's full name (<c>System.Int32</c>, or <c>System.Object</c> for <c>stelem.ref</c>);
/// for addresses and objects <c>*</c>; for calls <c>Namespace.Type::Method</c>.
/// </param>
/// <param name="Assembly">The simple name of the assembly that declares the field or method, if any.</param>
public sealed record GuardTarget(int Id, TargetKind Kind, string Name, string? Assembly)
{
    /// <summary>The declaring type's full name for field and call targets (the part before <c>::</c>), else null.</summary>
    public string? DeclaringType => Name.IndexOf("::", StringComparison.Ordinal) is var i and >= 0 ? Name[..i] : null;

    /// <summary>The member name for field and call targets (the part after <c>::</c>), else null.</summary>
    public string? MemberName => Name.IndexOf("::", StringComparison.Ordinal) is var i and >= 0 ? Name[(i + 2)..] : null;
}

/// <summary>
/// One guarded instruction of a woven module: where a violation happened, in terms a developer can act on.
/// </summary>
/// <param name="Id">The module-local site id the weaver assigned.</param>
/// <param name="Method">The full name of the method that contains the store.</param>
/// <param name="ILOffset">The IL offset of the store in the original (unwoven) method body.</param>
/// <param name="Document">The source file of the store when the module had symbols, else null.</param>
/// <param name="Line">The source line of the store when the module had symbols, else 0.</param>
/// <param name="TargetId">The target the site writes.</param>
public sealed record GuardSite(int Id, string Method, int ILOffset, string? Document, int Line, int TargetId)
{
    /// <summary>A one-line location such as <c>Ns.T::M() at IL_001a (File.cs:42)</c>.</summary>
    public override string ToString() =>
        Document is null
            ? $"{Method} at IL_{ILOffset:x4}"
            : $"{Method} at IL_{ILOffset:x4} ({Path.GetFileName(Document)}:{Line})";
}
