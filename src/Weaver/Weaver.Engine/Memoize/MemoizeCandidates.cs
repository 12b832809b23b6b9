using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Guards;
using Weaver.Engine.Pipeline;

namespace Weaver.Engine.Memoize;

/// <summary>A method accepted for memoization, with its key plan and the options of its attribute.</summary>
internal sealed record MemoizeCandidate(MethodDefinition Method, IReadOnlyList<ArgumentKey> Keys, int LearningCalls, int MaxKeyBytes,
    int L2Entries, int L3Entries, int MaxTableKilobytes, int CheckProfit)
{
    /// <summary>The table's stable identity: <c>Ns.Type::Method(System.Byte[],System.Int32)</c>.</summary>
    public string TableName => MemoizeCandidates.TableName(Method);
}

/// <summary>
/// Finds the methods to memoize (<c>[KcrRuntime.Memoize]</c> and <see cref="WeaveOptions.Memoize"/>) and checks each
/// against the rules of <c>src/KcrRuntime/README.md</c>. A method the user asked for explicitly that cannot be memoized is
/// an error naming the method and the reason, at the method's first source line when symbols exist.
/// </summary>
internal static class MemoizeCandidates
{
    public const string AttributeName = "KcrRuntime.MemoizeAttribute";

    /// <summary>The accepted candidates; every rejection is added to <paramref name="diagnostics"/>.</summary>
    public static List<MemoizeCandidate> Select(WeaveContext context, List<WeaverDiagnostic> diagnostics)
    {
        var module = context.Module;
        var accepted = new List<MemoizeCandidate>();
        var seen = new HashSet<MethodDefinition>();
        foreach (var type in module.GetTypes())
            foreach (var method in type.Methods)
            {
                var attribute = method.CustomAttributes.FirstOrDefault(a => a.AttributeType.FullName == AttributeName);
                if (attribute is null) continue;
                seen.Add(method);
                if (Check(context, method, attribute, DiagnosticSeverity.Error, diagnostics) is { } candidate) accepted.Add(candidate);
            }

        foreach (var entry in context.Options.Memoize.Distinct(StringComparer.Ordinal).Where(e => e != Suggest.AutoMemoize.Keyword))
        {
            var separator = entry.IndexOf("::", StringComparison.Ordinal);
            if (separator <= 0 || separator + 2 >= entry.Length)
            {
                diagnostics.Add(new WeaverDiagnostic(DiagnosticCodes.MemoizeBadName, DiagnosticSeverity.Error,
                    $"--memoize '{entry}' is not of the form Namespace.Type::Method.", context.Options.InputPath));
                continue;
            }
            var typeName = entry[..separator].Replace('+', '/');
            var methodName = entry[(separator + 2)..];
            var paren = methodName.IndexOf('(');
            if (paren >= 0) methodName = methodName[..paren];
            var type = module.GetTypes().FirstOrDefault(t => t.FullName == typeName);
            var overloads = type?.Methods.Where(m => m.Name == methodName).ToList() ?? [];
            if (overloads.Count == 0)
            {
                diagnostics.Add(new WeaverDiagnostic(DiagnosticCodes.MemoizeMethodNotFound, DiagnosticSeverity.Error,
                    type is null
                        ? $"Cannot memoize {entry}: the module has no type '{entry[..separator]}'."
                        : $"Cannot memoize {entry}: type {entry[..separator]} has no method named '{methodName}'.",
                    context.Options.InputPath));
                continue;
            }
            // All overloads are asked for; one that cannot be memoized is only an error when none can.
            var rejected = new List<WeaverDiagnostic>();
            int before = accepted.Count;
            foreach (var method in overloads.Where(seen.Add))
                if (Check(context, method, null, DiagnosticSeverity.Error, rejected) is { } candidate) accepted.Add(candidate);
            bool someAccepted = accepted.Count > before || overloads.Any(m => accepted.Any(c => c.Method == m));
            diagnostics.AddRange(someAccepted ? rejected.Select(d => d with { Severity = DiagnosticSeverity.Warning }) : rejected);
        }
        return accepted;
    }

    private static MemoizeCandidate? Check(WeaveContext context, MethodDefinition method, CustomAttribute? attribute, DiagnosticSeverity severity, List<WeaverDiagnostic> diagnostics)
    {
        var keys = new List<ArgumentKey>();
        var (code, reason) = Reject(method, keys);
        if (code is not null)
        {
            var (file, line) = FirstLine(method);
            diagnostics.Add(new WeaverDiagnostic(code, severity, $"Cannot memoize {TableName(method)}: {reason}.", file ?? context.Options.InputPath, line));
            return null;
        }
        if (BufferWrites.Find(method, keys) is { } write)
        {
            var (file, line) = LineOf(write.Method, write.At);
            var where = write.At is null ? "" : $" at IL_{write.At.Offset:x4}";
            diagnostics.Add(new WeaverDiagnostic(DiagnosticCodes.MemoizeWritesArgument, severity,
                $"Cannot memoize {TableName(method)}: {Guards.TypeNames.Method(write.Method)}{where} {write.What}; a cache hit "
                + "would skip that write, so the weaver must prove the buffer arguments only read.", file ?? context.Options.InputPath, line));
            return null;
        }
        var cost = MemoCostModel.Estimate(method);
        if (cost.LikelyCheaperThanHit)
        {
            var (file, line) = FirstLine(method);
            diagnostics.Add(new WeaverDiagnostic(DiagnosticCodes.MemoizeLikelyUnprofitable, DiagnosticSeverity.Warning,
                $"Memoizing {TableName(method)} is likely slower than calling it: {cost.Reason}. The runtime measures it and "
                + "stops caching it if it does not pay (set CheckProfit = false to keep it cached).", file ?? context.Options.InputPath, line));
        }
        return new MemoizeCandidate(method, keys,
            Named(attribute, "LearningCalls"), Named(attribute, "MaxKeyBytes"), Named(attribute, "L2Entries"), Named(attribute, "L3Entries"),
            Named(attribute, "MaxTableKilobytes"),
            attribute?.Properties.FirstOrDefault(p => p.Name == "CheckProfit").Argument.Value is bool check ? (check ? 1 : 0) : -1);
    }

    // The first rule a method breaks, as (code, reason), or (null, null) with the key plan filled in.
    internal static (string? Code, string? Reason) Reject(MethodDefinition method, List<ArgumentKey> keys)
    {
        if (method.IsConstructor) return (DiagnosticCodes.MemoizeNotStatic, "constructors cannot be memoized");
        if (!method.IsStatic) return (DiagnosticCodes.MemoizeNotStatic, "it is an instance method; only static methods can be memoized, because the weaver cannot prove an instance immutable");
        if (method.HasGenericParameters || DeclaringTypes(method).Any(t => t.HasGenericParameters))
            return (DiagnosticCodes.MemoizeGeneric, "it is generic or declared in a generic type; one table per instantiation is not supported");
        if (method.IsAbstract || method.IsPInvokeImpl || method.IsInternalCall || method.IsRuntime || !method.HasBody || method.IsVirtual)
            return (DiagnosticCodes.MemoizeNoBody, "it has no IL body of its own (abstract, virtual, extern or runtime-implemented)");
        if (method.CallingConvention == MethodCallingConvention.VarArg)
            return (DiagnosticCodes.MemoizeBadParameter, "it takes variable arguments (__arglist)");
        if (method.CustomAttributes.Any(a => a.AttributeType.FullName is "System.Runtime.CompilerServices.AsyncStateMachineAttribute"
                or "System.Runtime.CompilerServices.IteratorStateMachineAttribute" or "System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute"))
            return (DiagnosticCodes.MemoizeAsyncOrIterator, "it is an async method or an iterator; its result is a task or enumerator, not a value that can be reused");
        if (!MemoizableTypes.IsSupportedResult(method.ReturnType, out var why))
            return (DiagnosticCodes.MemoizeBadResult, why);
        foreach (var parameter in method.Parameters)
        {
            if (parameter.ParameterType is ByReferenceType)
                return (DiagnosticCodes.MemoizeBadParameter, $"parameter '{parameter.Name}' is passed by reference (ref, out or in)");
            if (ArgumentKeys.Plan(parameter.ParameterType, out var reason) is not { } key)
                return (DiagnosticCodes.MemoizeBadParameter, $"parameter '{parameter.Name}' of type {parameter.ParameterType.FullName} cannot be part of a key: {reason}");
            keys.Add(key);
        }
        if (keys.Count(k => k.Kind == ArgumentKeyKind.Buffer) > ArgumentKeys.MaxBuffers)
            return (DiagnosticCodes.MemoizeBadParameter,
                $"it takes more than {ArgumentKeys.MaxBuffers} buffer arguments (arrays, strings, spans, memories); a key compares at most {ArgumentKeys.MaxBuffers} in place");
        return (null, null);
    }

    private static IEnumerable<TypeDefinition> DeclaringTypes(MethodDefinition method)
    {
        for (var type = method.DeclaringType; type is not null; type = type.DeclaringType) yield return type;
    }

    private static int Named(CustomAttribute? attribute, string name) =>
        attribute?.Properties.FirstOrDefault(p => p.Name == name).Argument.Value is int value ? value : -1;

    /// <summary>The source document and line of the method's first visible sequence point, or (null, 0).</summary>
    /// <remarks>An async method or iterator has its lines in its state machine's <c>MoveNext</c>, which is used instead.</remarks>
    public static (string? File, int Line) FirstLine(MethodDefinition method)
    {
        var point = method.DebugInformation.HasSequencePoints ? method.DebugInformation.SequencePoints.FirstOrDefault(p => !p.IsHidden) : null;
        if (point is not null) return (point.Document.Url, point.StartLine);
        var stateMachine = method.CustomAttributes
            .FirstOrDefault(a => a.AttributeType.Name.EndsWith("StateMachineAttribute", StringComparison.Ordinal) && a.ConstructorArguments.Count == 1)
            ?.ConstructorArguments[0].Value as TypeReference;
        var moveNext = stateMachine?.Resolve()?.Methods.FirstOrDefault(m => m.Name == "MoveNext");
        return moveNext is null || moveNext == method ? (null, 0) : FirstLine(moveNext);
    }

    /// <summary>The source line of <paramref name="at"/> (its statement's sequence point), else the method's first line.</summary>
    public static (string? File, int Line) LineOf(MethodDefinition method, Instruction? at)
    {
        SequencePoint? point = null;
        if (at is not null && method.DebugInformation.HasSequencePoints)
            foreach (var instruction in method.Body.Instructions)
            {
                if (method.DebugInformation.GetSequencePoint(instruction) is { IsHidden: false } p) point = p;
                if (instruction == at) break;
            }
        return point is not null ? (point.Document.Url, point.StartLine) : FirstLine(method);
    }

    /// <summary><c>Ns.Type::Method(System.Byte[],System.Int32)</c>, reflection-style nesting (<c>+</c>).</summary>
    public static string TableName(MethodDefinition method) =>
        $"{TypeNames.Reflection(method.DeclaringType)}::{method.Name}({string.Join(",", method.Parameters.Select(p => p.ParameterType.FullName))})";
}
