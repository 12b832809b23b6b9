using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// The one way a step reports a use no guard can check (WVR0010), or keeps it because <c>--allow-unchecked</c> names
/// it (WVR0011). The diagnostic carries the API, method and IL offset, so the pipeline can close a failed weave with
/// every refusal grouped and counted (<see cref="RefusalSummary"/>). A refusal never stops the step or the pipeline:
/// the weave fails once, at the end, with all of them.
/// </summary>
internal static class Refusals
{
    /// <summary>Whether <paramref name="api"/> is kept unchecked by one of the <c>--allow-unchecked</c> patterns.</summary>
    public static bool IsAllowed(WeaveContext context, string api) =>
        context.Options.AllowUnchecked.Any(p => p == "*" || api.StartsWith(p.TrimEnd('*'), StringComparison.Ordinal));

    /// <summary>
    /// Reports the use of <paramref name="api"/> at <paramref name="ilOffset"/> of <paramref name="method"/>:
    /// "<c>Ns.Type::Method at IL_xxxx {what}: {why}. Refused; ...</c>", at the source line when symbols say it.
    /// </summary>
    public static void Report(WeaveContext context, MethodDefinition method, int ilOffset, string what, string why, string api)
    {
        var (document, line) = context.Original.LinesOf(method).At(ilOffset);
        bool allowed = IsAllowed(context, api);
        var name = TypeNames.Method(method);
        var message = $"{name} at IL_{ilOffset:x4} {what}: {why}. " + Verdict(allowed, api);
        context.Add(Diagnostic(allowed, message, document ?? context.Options.InputPath, line) with
        {
            Api = api, Method = name, ILOffset = ilOffset,
        });
    }

    /// <summary>Reports the use of <paramref name="api"/> by <paramref name="at"/>, named by its offset in the input.</summary>
    public static void Report(WeaveContext context, MethodDefinition method, Instruction at, string what, string why, string api) =>
        Report(context, method, context.Original.OffsetOf(at), what, why, api);

    /// <summary>Reports a refusal that is about a type or the module rather than a site in a body.</summary>
    public static void ReportDeclaration(WeaveContext context, string api, string message, string? member = null)
    {
        bool allowed = IsAllowed(context, api);
        context.Add(Diagnostic(allowed, message + " " + Verdict(allowed, api), context.Options.InputPath, 0) with
        {
            Api = api, Method = member,
        });
    }

    private static string Verdict(bool allowed, string api) => allowed
        ? "Allowed unchecked by --allow-unchecked."
        : $"Refused; pass --allow-unchecked \"{api}\" to keep it unchecked in a trusted module.";

    private static WeaverDiagnostic Diagnostic(bool allowed, string message, string file, int line) =>
        new(allowed ? DiagnosticCodes.UncheckedApiAllowed : DiagnosticCodes.UncheckableApi,
            allowed ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, message, file, line);
}
