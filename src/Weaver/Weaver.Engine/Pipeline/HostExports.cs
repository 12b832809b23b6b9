using Mono.Cecil;
using Mono.Cecil.Cil;
using Weaver.Engine.Diagnostics;
using Weaver.Engine.Guards;

namespace Weaver.Engine.Pipeline;

/// <summary>
/// Host calls are denied by default: a module may call (or take a function pointer to) a method of the host only if
/// the host exported it with <c>[GuardRuntime.ModuleExport]</c> on the method, its property or event, or its
/// declaring type. The host is every referenced assembly that is neither the framework, nor the runtimes, nor woven
/// code (another module's assembly, whose own code is guarded). Virtual and interface calls are judged on the
/// method referenced. A target the weaver cannot resolve is left to the policy's call rules at run time.
/// </summary>
internal static class HostExports
{
    private const string AttributeNamespace = "GuardRuntime";
    private const string AttributeName = "ModuleExportAttribute";
    private const string AttributeAssembly = "GuardRuntime";

    /// <summary>
    /// Reports WVR0014 when <paramref name="callee"/>, called at <paramref name="at"/>, is host code the host did not
    /// export.
    /// </summary>
    public static void Check(WeaveContext context, MethodDefinition caller, Instruction at, MethodReference callee)
    {
        MethodDefinition? target;
        try { target = callee.Resolve(); }
        catch (AssemblyResolutionException) { target = null; }
        if (target is null || IsWoven(target.Module.Assembly) || IsExported(target)) return;
        int offset = context.Original.OffsetOf(at);
        var (document, line) = context.Original.LinesOf(caller).At(offset);
        var hostMethod = $"{TypeNames.Reflection(target.DeclaringType)}::{target.Name}";
        var assembly = target.Module.Assembly.Name.Name;
        var how = at.OpCode.Code is Code.Ldftn or Code.Ldvirtftn ? "takes a function pointer to" : "calls";
        context.Add(new WeaverDiagnostic(DiagnosticCodes.HostMethodNotExported, DiagnosticSeverity.Error,
            $"{TypeNames.Method(caller)} at IL_{offset:x4} {how} host method {hostMethod} ({assembly}), " +
            "which the host " +
            "does not export: host calls are denied by default. If modules may call it, the host marks it (or its " +
            "property, event or type) with [GuardRuntime.ModuleExport]; if it is a library of the module, weave it " +
            "first (woven code is module code).",
            document ?? context.Options.InputPath, line)
        {
            Api = $"unexported host methods of {assembly}", Method = TypeNames.Method(caller), ILOffset = offset,
        });
    }

    private static bool IsExported(MethodDefinition method)
    {
        if (HasExport(method) || HasExport(method.DeclaringType)) return true;
        var type = method.DeclaringType;
        if (method.IsSpecialName && type.HasProperties
            && type.Properties.Any(p => (p.GetMethod == method || p.SetMethod == method) && HasExport(p)))
            return true;
        return method.IsSpecialName && type.HasEvents
            && type.Events.Any(e => (e.AddMethod == method || e.RemoveMethod == method || e.InvokeMethod == method)
                                    && HasExport(e));
    }

    private static bool HasExport(ICustomAttributeProvider provider) =>
        provider.HasCustomAttributes && provider.CustomAttributes.Any(a =>
            a.AttributeType.Name == AttributeName && a.AttributeType.Namespace == AttributeNamespace
            && Framework.ScopeOf(a.AttributeType) == AttributeAssembly);

    private static bool IsWoven(AssemblyDefinition assembly) =>
        assembly.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Reflection.AssemblyMetadataAttribute"
            && a.ConstructorArguments.Count == 2 && a.ConstructorArguments[0].Value as string == WeaverInfo.MarkerKey);
}
