using System.Text.Json;
using System.Text.Json.Serialization;

namespace Weaver.Engine.Pipeline;

/// <summary>What a weave instrumented, written as JSON with <c>--report</c>.</summary>
public sealed class WeaveReport
{
    /// <summary>The woven assembly's simple name.</summary>
    public string Module { get; set; } = "";

    /// <summary>The weaver version.</summary>
    public string WeaverVersion { get; set; } = WeaverInfo.Version;

    /// <summary>The options hash recorded in the marker.</summary>
    public string OptionsHash { get; set; } = "";

    /// <summary>Whether the input was already woven (nothing was done).</summary>
    public bool AlreadyWoven { get; set; }

    /// <summary>Methods whose bodies were scanned.</summary>
    public int MethodsScanned { get; set; }

    /// <summary>IL bytes of the scanned bodies before weaving.</summary>
    public long ILBytes { get; set; }

    /// <summary>Guards inserted, by store opcode family (<c>stfld</c>, <c>stsfld</c>, <c>stelem</c>, <c>stind</c>, ...).</summary>
    public SortedDictionary<string, int> GuardsByKind { get; } = new(StringComparer.Ordinal);

    /// <summary>Distinct write targets (fields, array classes, addresses) the guards name.</summary>
    public int Targets { get; set; }

    /// <summary>Methods memoized.</summary>
    public List<string> Memoized { get; } = [];

    /// <summary>Per-method guard counts, for methods with at least one guard.</summary>
    public SortedDictionary<string, int> GuardsByMethod { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Stores whose address check the weaver left out, by reason (<c>stack</c>, <c>checked-at-formation</c>), and the
    /// formation checks it added in their place (<c>formation-checks</c>).
    /// </summary>
    public SortedDictionary<string, int> EliminatedByReason { get; } = new(StringComparer.Ordinal);

    /// <summary>The total number of guards inserted.</summary>
    public int TotalGuards => GuardsByKind.Values.Sum();

    /// <summary>Counts one guard.</summary>
    public void CountGuard(string kind, string method)
    {
        GuardsByKind[kind] = GuardsByKind.GetValueOrDefault(kind) + 1;
        GuardsByMethod[method] = GuardsByMethod.GetValueOrDefault(method) + 1;
    }

    /// <summary>Counts one store whose address check was left out, or one formation check added.</summary>
    public void CountElimination(string reason) => EliminatedByReason[reason] = EliminatedByReason.GetValueOrDefault(reason) + 1;

    /// <summary>The report as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.Strict,
    });
}
