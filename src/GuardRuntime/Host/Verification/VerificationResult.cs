namespace GuardRuntime.Verification;

/// <summary>The verdict of the load-time verifier on one module: accepted when it found no error.</summary>
/// <param name="Module">The display name of the module (its file name, or what the caller passed).</param>
/// <param name="Sha256">The SHA-256 of the whole image, lower-case hex: the identity a policy pins.</param>
/// <param name="Errors">Every rejection found in the module, in metadata order.</param>
/// <param name="Methods">How many method bodies were decoded.</param>
/// <param name="IlBytes">How many bytes of IL were decoded.</param>
public sealed record VerificationResult(string Module, string Sha256, IReadOnlyList<VerificationError> Errors,
    int Methods, long IlBytes)
{
    /// <summary>Whether the host may load the module.</summary>
    public bool Accepted => Errors.Count == 0;

    /// <summary>Store instructions found behind their canonical guard (what <c>weaver inspect</c> counts as guarded).</summary>
    public int GuardedStores { get; init; }

    /// <summary>Store instructions without their guard (each is also an error).</summary>
    public int UnguardedStores { get; init; }
}

/// <summary>One reason to refuse a module.</summary>
/// <param name="Module">The display name of the module.</param>
/// <param name="Method">The method (<c>Ns.Type::Method</c>), or null for a module-level rule.</param>
/// <param name="ILOffset">The IL offset in the woven body, or null for a method- or module-level rule.</param>
/// <param name="Rule">The rule's short name (<c>guard-missing</c>, <c>abi-forged</c>...).</param>
/// <param name="Message">What is wrong, for a person.</param>
public sealed record VerificationError(string Module, string? Method, int? ILOffset, string Rule, string Message)
{
    /// <summary><c>Module: Type::Method at IL_001a: rule guard-missing: message</c>.</summary>
    public override string ToString()
    {
        var where = Method is null ? "" : ILOffset is { } offset ? $" {Method} at IL_{offset:x4}:" : $" {Method}:";
        return $"{Module}:{where} rule {Rule}: {Message}";
    }
}
