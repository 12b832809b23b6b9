namespace GuardRuntime;

/// <summary>
/// Marks host API that woven modules may call (the analogue of <c>EXPORT_SYMBOL</c>). Host calls are denied by
/// default: the weaver refuses a module that calls a method of an unwoven, non-framework assembly unless the method,
/// the property or event it belongs to, or its declaring type carries this attribute. Modules cannot reference this
/// assembly, so only the host can export. At run time the policy's <c>call</c> rules may still deny an exported
/// method (<c>Guard.Call</c>).
/// </summary>
/// <remarks>
/// On a type, every member the type declares is exported (not members of nested or derived types); on a property or
/// event, both accessors; on an accessor or method, that method alone (export a getter without its setter with
/// <c>public int X { [ModuleExport] get; set; }</c>). Virtual and interface calls are judged on the method the
/// module references, so export the interface or base member.
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Interface | AttributeTargets.Delegate
                | AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property | AttributeTargets.Event,
    Inherited = false)]
public sealed class ModuleExportAttribute : Attribute
{
}
