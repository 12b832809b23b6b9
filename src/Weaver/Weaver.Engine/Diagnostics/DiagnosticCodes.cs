namespace Weaver.Engine.Diagnostics;

/// <summary>
/// Every diagnostic code the weaver emits. The numbers are stable: users suppress and search for them.
/// WVR00xx input and output, WVR01xx informational, WVR03xx verification, WVR1xxx memoization, WVR2xxx policies.
/// </summary>
public static class DiagnosticCodes
{
    /// <summary>The input path does not exist or is not a file.</summary>
    public const string InputNotFound = "WVR0001";
    /// <summary>The input is not a .NET assembly, or its image is truncated or corrupt.</summary>
    public const string BadImage = "WVR0002";
    /// <summary>A reference the weaver needs (to know whether a field's type is a value type) cannot be resolved.</summary>
    public const string UnresolvedReference = "WVR0003";
    /// <summary>The input is a reference assembly (metadata only); weave the implementation assembly.</summary>
    public const string ReferenceAssembly = "WVR0004";
    /// <summary>The output cannot be written.</summary>
    public const string OutputFailed = "WVR0005";
    /// <summary>The input is strong-named and no key was given, or the key cannot be used.</summary>
    public const string StrongName = "WVR0006";
    /// <summary>The input already calls the guard ABI itself, which a module could use to forge guard verdicts.</summary>
    public const string ForgedGuardCalls = "WVR0007";
    /// <summary>A method body could not be rewritten.</summary>
    public const string BadMethodBody = "WVR0008";
    /// <summary>A bad command-line or MSBuild option value.</summary>
    public const string BadOption = "WVR0009";
    /// <summary>The module uses an API whose writes no guard can check (reflection, code generation, P/Invoke, calli...).</summary>
    public const string UncheckableApi = "WVR0010";
    /// <summary>An uncheckable API was kept because the user allowed it with --allow-unchecked.</summary>
    public const string UncheckedApiAllowed = "WVR0011";
    /// <summary>
    /// The weave failed: every refusal of the run grouped by API, with its number of sites and the first of them. One
    /// run reports every problem; this closing error says how many there are of each.
    /// </summary>
    public const string RefusalSummary = "WVR0012";
    /// <summary>The weaver itself failed: a bug in the weaver, never a problem of the input (the input is untouched).</summary>
    public const string InternalError = "WVR0099";
    /// <summary>The module calls (or takes a function pointer to) a host method the host does not export (<c>[ModuleExport]</c>).</summary>
    public const string HostMethodNotExported = "WVR0014";
    /// <summary>The input was already woven; nothing was done.</summary>
    public const string AlreadyWoven = "WVR0100";
    /// <summary>A summary of what was woven.</summary>
    public const string Summary = "WVR0101";
    /// <summary>The woven module was accepted by the host's load-time verifier before it was written (<c>--verify</c>).</summary>
    public const string VerifierAccepted = "WVR0102";
    /// <summary>A method failed JIT compilation in <c>weaver verify</c>.</summary>
    public const string InvalidIL = "WVR0301";
    /// <summary>A store in a woven assembly has no guard (reported by <c>weaver inspect</c>).</summary>
    public const string UnguardedStore = "WVR0302";
    /// <summary>The host's load-time guard verifier rejects the module (<c>weaver verify --guards</c>, after weaving).</summary>
    public const string GuardVerifierRejected = "WVR0303";
    /// <summary>An input carries the <c>Weaver.Woven</c> marker but the guard verifier rejects it (a forged marker).</summary>
    public const string ForgedWovenMarker = "WVR0304";
    /// <summary>A method named with <c>--memoize</c> (or <c>WeaveOptions.Memoize</c>) does not exist in the module.</summary>
    public const string MemoizeMethodNotFound = "WVR1001";
    /// <summary>A <c>--memoize</c> entry is not of the form <c>Namespace.Type::Method</c>.</summary>
    public const string MemoizeBadName = "WVR1002";
    /// <summary>A method asked to be memoized is an instance method or a constructor (only static methods can be).</summary>
    public const string MemoizeNotStatic = "WVR1003";
    /// <summary>A method asked to be memoized is generic or declared in a generic type.</summary>
    public const string MemoizeGeneric = "WVR1004";
    /// <summary>A method asked to be memoized has no IL body of its own (abstract, virtual, extern, runtime-implemented).</summary>
    public const string MemoizeNoBody = "WVR1005";
    /// <summary>A method asked to be memoized is async or an iterator.</summary>
    public const string MemoizeAsyncOrIterator = "WVR1006";
    /// <summary>A method asked to be memoized returns void, by reference, or a type whose results could be mutated after caching.</summary>
    public const string MemoizeBadResult = "WVR1007";
    /// <summary>A method asked to be memoized has a ref/out/in parameter or a parameter type that cannot be a key.</summary>
    public const string MemoizeBadParameter = "WVR1008";
    /// <summary>A method was memoized (message: its table name and the static fields it depends on).</summary>
    public const string Memoized = "WVR1009";
    /// <summary>The address of a static field a memoized method reads escapes where the weaver cannot follow it, so writes through it do not invalidate the cache.</summary>
    public const string MemoizeUntrackedWrite = "WVR1010";
    /// <summary>A KCR profile (<c>--profile</c>, <c>--memoize-profile</c>) cannot be read or is not a <c>kcr-profile/1</c> file.</summary>
    public const string MemoizeProfileInvalid = "WVR1050";
    /// <summary><c>weaver suggest</c> was given an assembly that is already woven; suggest on the unwoven build.</summary>
    public const string SuggestWovenInput = "WVR1051";
    /// <summary><c>--memoize auto</c> chose a method (message: its table name, estimated saving and the profile's word).</summary>
    public const string AutoMemoized = "WVR1052";

    /// <summary>A memoized method may write through a buffer argument (itself or through a module callee): a hit would skip the write.</summary>
    public const string MemoizeWritesArgument = "WVR1011";

    /// <summary>Warning: a memoized method is likely cheaper than a cache hit (short body, or one pass over a buffer).</summary>
    public const string MemoizeLikelyUnprofitable = "WVR1012";
}
