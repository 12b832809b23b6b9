using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Diagnostics;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// Refuses inputs the weaver must not touch (reference assemblies, mixed-mode images, modules that forge guard
/// calls) and turns a second weave of the same file into a no-op.
/// </summary>
public sealed class CheckInputStep : IWeaveStep
{
    /// <inheritdoc/>
    public void Run(WeaveContext context)
    {
        var module = context.Module;
        var assembly = module.Assembly;
        if (assembly is null) throw context.Fail(DiagnosticCodes.BadImage, "The input is a .NET module without an assembly manifest; weave the assembly that contains it.");

        if (Marker.Read(assembly) is { } marker && HonourMarker(context, assembly.Name.Name))
        {
            context.Report.AlreadyWoven = true;
            context.Add(DiagnosticCodes.AlreadyWoven, DiagnosticSeverity.Message,
                $"'{assembly.Name.Name}' is already woven ({marker}); nothing to do.");
            context.Stop = true;
            return;
        }
        if (assembly.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.ReferenceAssemblyAttribute"))
            throw context.Fail(DiagnosticCodes.ReferenceAssembly,
                $"'{assembly.Name.Name}' is a reference assembly (metadata only, no real method bodies); weave the implementation assembly from bin/ or obj/ instead.");
        if (IsMetadataOnly(module))
            throw context.Fail(DiagnosticCodes.ReferenceAssembly,
                $"'{assembly.Name.Name}' is a reference assembly (metadata only: every method body is 'throw null'); weave the implementation assembly from bin/ or obj/ instead.");
        if ((module.Attributes & ModuleAttributes.ILOnly) == 0)
            throw context.Fail(DiagnosticCodes.BadImage, $"'{assembly.Name.Name}' is a mixed-mode (native + IL) assembly, which cannot be rewritten.");

        RejectInjectedTypes(context);
        RejectBodilessMethods(context);
        RuntimeBoundary.Check(context);

        if (assembly.Name.HasPublicKey && context.Options.KeyFile is null)
            context.Add(DiagnosticCodes.StrongName, DiagnosticSeverity.Warning,
                $"'{assembly.Name.Name}' is strong-named; weaving invalidates its signature. Pass a key file (--key) to re-sign it. .NET (Core) does not validate strong-name signatures, so the output still loads there.");
        if (context.Options.KeyFile is { } key && !File.Exists(key))
            throw context.Fail(DiagnosticCodes.StrongName, $"The strong-name key file '{key}' does not exist.");
    }

    // The marker is written by whoever built the file: it means "nothing to do" only when the host's own verifier
    // accepts the input as it is (every store guarded, no forged ABI call). A forged marker is an error, never a no-op.
    // A trusted host assembly is not a module (it may reference the host runtimes), so its marker is taken as written.
    private static bool HonourMarker(WeaveContext context, string name)
    {
        if (context.Options.TrustedHost) return true;
        var verdict = new GuardRuntime.Verification.ModuleVerifier(context.Options.ReferencePaths).Verify(context.Options.InputPath);
        if (verdict.Accepted) return true;
        var first = string.Join("; ", verdict.Errors.Take(3));
        throw context.Fail(DiagnosticCodes.ForgedWovenMarker,
            $"'{name}' carries the Weaver.Woven marker but the guard verifier rejects it ({verdict.Errors.Count} problem(s)): {first}");
    }

    // The weaver's own injected types are recognised by name in woven output; an input may not bring its own.
    private static void RejectInjectedTypes(WeaveContext context)
    {
        foreach (var type in context.Module.GetTypes())
            if (type.Name == WeaverInfo.GuardHolderName)
                context.Add(DiagnosticCodes.ForgedGuardCalls, DiagnosticSeverity.Error,
                    $"The input defines a type named {WeaverInfo.GuardHolderName}, which only the weaver may create.");
    }

    // A non-abstract method without an IL body runs code nobody wove: an [UnsafeAccessor] extern reads and writes any
    // host member (private fields included), an InternalCall or runtime-implemented method is native code. Only
    // delegate types' runtime methods are what they seem. P/Invoke declarations are refused by the escape-hatch step.
    private static void RejectBodilessMethods(WeaveContext context)
    {
        foreach (var type in context.Module.GetTypes())
        {
            bool isDelegate = type.BaseType?.FullName is "System.MulticastDelegate";
            foreach (var method in type.Methods)
            {
                // Cecil derives HasBody from the flags; an extern with IL flags ([UnsafeAccessor]) has no RVA instead.
                bool hasBody = method.HasBody && method.RVA != 0;
                if (hasBody || method.IsAbstract || method.IsPInvokeImpl || isDelegate && method.IsRuntime) continue;
                var accessor = method.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.UnsafeAccessorAttribute");
                context.Add(new WeaverDiagnostic(DiagnosticCodes.UncheckableApi, DiagnosticSeverity.Error,
                    $"{method.FullName} has no IL body ({(accessor ? "an [UnsafeAccessor] extern, which reaches private members of any type" : "extern, internal call or runtime-implemented")}): " +
                    "code the weaver cannot see can write anything. Refused.", context.Options.InputPath)
                {
                    Api = accessor ? "[UnsafeAccessor] extern" : "method without IL body",
                    Method = Guards.TypeNames.Method(method),
                });
            }
        }
    }

    // A metadata-only image (Roslyn's EmitOptions(metadataOnly: true) keeps private members and so omits
    // [ReferenceAssembly]) has a 'ldnull; throw' stub for every body: weaving it would mark a stub as woven.
    private static bool IsMetadataOnly(ModuleDefinition module)
    {
        var bodies = module.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody).Select(m => m.Body.Instructions).ToList();
        return bodies.Count > 0 && bodies.All(b => b.Count == 2 && b[0].OpCode.Code == Code.Ldnull && b[1].OpCode.Code == Code.Throw);
    }
}
