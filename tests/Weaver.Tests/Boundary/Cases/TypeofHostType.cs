// ldtoken of a host type: the first step of reaching the control API by reflection.
[assembly: ExpectRefusal("WVR0007", "Boundary.Module::Find", "GuardRuntime.ModuleRegistry")]
namespace Boundary;
public static class Module
{
    public static System.Type Find() => typeof(GuardRuntime.ModuleRegistry);
}
