using System.Security.Cryptography;
using System.Text;

namespace Weaver.Engine.Pipeline;

/// <summary>Which kinds of store the guard step instruments.</summary>
[Flags]
public enum GuardKinds
{
    /// <summary>No guards (for example a memoization-only weave).</summary>
    None = 0,
    /// <summary>Instance field stores (<c>stfld</c>).</summary>
    Fields = 1,
    /// <summary>Static field stores (<c>stsfld</c>).</summary>
    Statics = 2,
    /// <summary>Array element stores (<c>stelem.*</c>).</summary>
    Arrays = 4,
    /// <summary>Stores through byrefs and pointers (<c>stind.*</c>, <c>stobj</c>, <c>initobj</c>, <c>cpobj</c>, <c>cpblk</c>, <c>initblk</c>).</summary>
    Indirect = 8,
    /// <summary>Every store.</summary>
    All = Fields | Statics | Arrays | Indirect,
}

/// <summary>What to weave and where to write it.</summary>
public sealed record WeaveOptions
{
    /// <summary>The assembly to weave.</summary>
    public required string InputPath { get; init; }

    /// <summary>Where to write the woven assembly (and its PDB beside it). May equal <see cref="InputPath"/>.</summary>
    public required string OutputPath { get; init; }

    /// <summary>Which stores get guards.</summary>
    public GuardKinds Guards { get; init; } = GuardKinds.All;

    /// <summary>Extra directories searched for referenced assemblies (the input's own directory is always searched).</summary>
    public IReadOnlyList<string> ReferencePaths { get; init; } = [];

    /// <summary>Where to write a JSON report of what was instrumented, or null.</summary>
    public string? ReportPath { get; init; }

    /// <summary>A strong-name key file (.snk) to re-sign a strong-named input with, or null.</summary>
    public string? KeyFile { get; init; }

    /// <summary>
    /// Methods to memoize besides those marked <c>[Memoize]</c>, as <c>Namespace.Type::Method</c>; the entry <c>auto</c>
    /// adds the top candidates of the purity analysis and cost estimate (<c>weaver suggest</c>).
    /// </summary>
    public IReadOnlyList<string> Memoize { get; init; } = [];

    /// <summary>With <c>auto</c> in <see cref="Memoize"/>: a KCR profile of an earlier run (<c>KcrProfile</c>), or null.</summary>
    public string? MemoizeProfile { get; init; }

    /// <summary>With <c>auto</c> in <see cref="Memoize"/>: how many candidates to weave at most.</summary>
    public int MemoizeAutoLimit { get; init; } = Suggest.SuggestEngine.DefaultLimit;

    /// <summary>
    /// API patterns (<c>System.Reflection.FieldInfo::SetValue</c>, a prefix ending in <c>*</c>, or <c>*</c> for all) that a
    /// trusted module may keep although no guard can check them. Everything else uncheckable is refused.
    /// </summary>
    public IReadOnlyList<string> AllowUnchecked { get; init; } = [];

    /// <summary>
    /// Whether the input is a trusted host assembly that may reference the runtimes' control API (policies, regions,
    /// memo tables). Only whoever runs the weaver can say so; nothing in an assembly can claim it.
    /// </summary>
    public bool TrustedHost { get; init; }

    /// <summary>Whether to read and rewrite symbols when the input has a PDB.</summary>
    public bool Symbols { get; init; } = true;

    /// <summary>
    /// A guard policy file the front end validated before the weave (recorded for the report; it does not change the
    /// woven code, which is the same under every policy), or null.
    /// </summary>
    public string? PolicyPath { get; init; }

    /// <summary>
    /// Whether the woven module is checked by the host's load-time verifier before it is written (only for modules
    /// woven with every guard: a trusted host or a partial weave is not what the verifier accepts). The front ends
    /// default to true (<c>--verify</c>, <c>WeaverVerify</c>); the engine's API to false.
    /// </summary>
    public bool Verify { get; init; }

    /// <summary>A short stable hash of the options that change the woven code; recorded in the marker.</summary>
    public string Hash()
    {
        // An automatic selection depends on the profile's contents, not only on its name.
        var profile = MemoizeProfile is { } p && File.Exists(p) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(p)))[..12] : "";
        var auto = Suggest.AutoMemoize.Requested(this) ? $";profile={profile};autoLimit={MemoizeAutoLimit}" : "";
        var text = $"guards={Guards};memoize={string.Join(',', Memoize.Order(StringComparer.Ordinal))}{auto};allow={string.Join(',', AllowUnchecked.Order(StringComparer.Ordinal))};trustedHost={TrustedHost}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
    }
}
