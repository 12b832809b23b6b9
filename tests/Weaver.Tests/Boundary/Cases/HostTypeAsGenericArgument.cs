// A host type only as a generic argument of a framework type.
[assembly: ExpectRefusal("WVR0007", "metadata", "GuardRuntime.ModuleGuard")]
namespace Boundary;
public static class Module
{
    public static System.Collections.Generic.List<GuardRuntime.ModuleGuard>? Guards;
}
