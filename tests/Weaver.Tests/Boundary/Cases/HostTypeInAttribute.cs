// A host type named only in an attribute argument: no instruction uses it, the metadata does.
[assembly: ExpectRefusal("WVR0007", "metadata", "GuardRuntime.GuardPolicies")]
namespace Boundary;
[System.AttributeUsage(System.AttributeTargets.Class)]
public sealed class PointsAtAttribute(System.Type type) : System.Attribute { public System.Type Type { get; } = type; }
[PointsAt(typeof(GuardRuntime.GuardPolicies))]
public sealed class Module { }
