using System.Collections.Immutable;

namespace GuardRuntime.Verification;

/// <summary>
/// What a call to another assembly must have checked before it runs. <see cref="Byrefs"/> and <see cref="Spans"/> are
/// parameter indexes whose destination the guard must check (with the element types to size it); <see cref="Host"/>
/// means the policy's call rules must see it (<c>Guard.Call</c>).
/// </summary>
internal sealed record CallFacts(bool IsSelf, string? Scope, string Target, bool Host, int Parameters,
    int[] Byrefs, string[] ByrefElements, int[] Spans, string[] SpanElements)
{
    public static CallFacts Self(bool definition) => new(true, null, definition ? "" : "?", false, 0, [], [], [], []);
    public bool NeedsSpill => Byrefs.Length > 0 || Spans.Length > 0;
}

/// <summary>
/// The call-effect model: derived from the callee's signature alone, which is what the weaver checks today —
/// every writable byref argument (not <c>in</c>: <c>ref modreq(InAttribute) T</c>), every <c>Span&lt;T&gt;</c>
/// argument of a framework method, and every call to a non-framework assembly (the host). This is the one place the
/// framework effect model (src/GuardRuntime/Host/Effects) plugs in: a write-API destination it names (an array range,
/// a pointer extent) becomes one more required check here. Until then such extra checks the weaver emits are
/// verified for shape, not required.
/// </summary>
internal static class CallEffects
{
    private const string ReadOnlyPrefix = "ref mod System.Runtime.InteropServices.InAttribute ";

    public static CallFacts Classify(string scope, string type, string name, ImmutableArray<string> parameters,
        ImmutableArray<string> methodArgs)
    {
        bool framework = IsFramework(scope);
        List<int> byrefs = [], spans = [];
        List<string> byrefTypes = [], spanTypes = [];
        for (int i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            if (p.StartsWith("ref ", StringComparison.Ordinal) && !p.StartsWith(ReadOnlyPrefix,
                StringComparison.Ordinal))
            {
                byrefs.Add(i);
                byrefTypes.Add(TypeNameProvider.Unmodified(p[4..]));
            }
            else if (framework && p.StartsWith("System.Span`1<", StringComparison.Ordinal) && p.EndsWith('>'))
            {
                spans.Add(i);
                spanTypes.Add(p["System.Span`1<".Length..^1]);
            }
        }
        return new CallFacts(false, scope, type + "::" + name, !framework, parameters.Length,
            [.. byrefs], [.. byrefTypes], [.. spans], [.. spanTypes]);
    }

    /// <summary>The shared framework, whose calls are not host calls (the same test the weaver makes).</summary>
    public static bool IsFramework(string scope) =>
        scope is "netstandard" or "mscorlib" or "System" || scope.StartsWith("System.", StringComparison.Ordinal)
        || scope.StartsWith("Microsoft.", StringComparison.Ordinal);
}
